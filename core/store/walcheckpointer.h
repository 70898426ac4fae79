#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace exeserver {

// Moves WAL checkpoints off the thread that writes. SQLite's automatic checkpoint runs inside the commit
// that crosses 1,000 WAL pages, so the writer copies the WAL back into the database itself (3-4 us per
// event at bulk ingest). This takes over the writer connection's commit hook: past `startPages` it wakes
// a thread that runs a PASSIVE checkpoint on its own connection (never blocking the writer, which keeps
// appending meanwhile); past `capPages` — the checkpointer cannot keep up, or a reader pins old frames —
// the writer checkpoints inline as before, so the WAL stays bounded. Durability is unchanged: a commit
// is as durable as before once in the WAL, and a checkpoint interrupted by a crash is redone by SQLite.
// Use only on a handle from SqliteStatement::handleOf (the same SQLite library as this code).
class WalCheckpointer
{
public:
    WalCheckpointer(sqlite3 *writer, const QString &path, int startPages, int capPages);
    ~WalCheckpointer(); // stops the thread and gives the writer back its automatic checkpoint
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    // Called by the writer before it starts a write transaction. SQLite moves the WAL back to its start
    // only in a write transaction whose snapshot began after a checkpoint had copied every frame; a
    // background checkpoint started by the last commit is usually still copying when the next batch
    // begins, so without this the WAL grows to the cap and the writer copies all of it itself (75-100 ms
    // in one batch). Past half the cap this waits for the running checkpoint (what is left of copying
    // one batch's frames) so that the next commit restarts the WAL; below it, returns at once.
    void settleBeforeWrite();

    // How many checkpoints the thread ran, and how many the writer had to run itself at the cap.
    int backgroundCheckpoints() const { return m_background.load(); }
    int inlineCheckpoints() const { return m_inline.load(); }

    static constexpr int kDefaultStartPages = 1000; // SQLite's own automatic checkpoint threshold
    static constexpr int kDefaultCapPages = 4000;   // 64 MB of WAL with 16 KB pages

private:
    static int onCommit(void *self, sqlite3 *db, const char *schema, int pages);
    void wake(); // asks the thread for a checkpoint, starting it the first time
    void run();

    sqlite3 *m_writer;
    QByteArray m_path;
    int m_startPages;
    int m_capPages;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::mutex m_checkpointing;     // held while either side checkpoints
    std::condition_variable m_idle; // the thread has no checkpoint pending or running
    bool m_pending = false;
    bool m_running = false;
    std::atomic<int> m_lastPages{0}; // WAL pages after the writer's last commit
    bool m_stop = false;
    std::atomic<int> m_background{0};
    std::atomic<int> m_inline{0};
    std::thread m_thread; // started by the first wake()
};

} // namespace exeserver
