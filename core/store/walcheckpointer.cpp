#include "store/walcheckpointer.h"

#include "config/logging.h"

#include <sqlite3.h>

namespace exeserver {

WalCheckpointer::WalCheckpointer(sqlite3 *writer, const QString &path, int startPages, int capPages)
    : m_writer(writer)
    , m_path(path.toUtf8())
    , m_startPages(std::max(1, startPages))
    , m_capPages(std::max(m_startPages, capPages))
{
    sqlite3_wal_hook(m_writer, &WalCheckpointer::onCommit, this); // replaces the automatic checkpoint
}

WalCheckpointer::~WalCheckpointer()
{
    sqlite3_wal_autocheckpoint(m_writer, kDefaultStartPages); // removes our hook
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

int WalCheckpointer::onCommit(void *self, sqlite3 *db, const char *schema, int pages)
{
    auto *checkpointer = static_cast<WalCheckpointer *>(self);
    checkpointer->m_lastPages.store(pages, std::memory_order_relaxed);
    if (pages >= checkpointer->m_capPages) {
        // What SQLite's automatic checkpoint does, only later: the WAL cannot grow without bound.
        // After the thread's run, if one is under way: it copies only the frames it saw when it started.
        const std::lock_guard running(checkpointer->m_checkpointing);
        ++checkpointer->m_inline;
        if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
            return SQLITE_OK;
        // Busy (another process checkpoints): the thread must run once more after this commit, or the
        // frames committed since stay in the WAL.
    }
    if (pages >= checkpointer->m_startPages)
        checkpointer->wake();
    return SQLITE_OK;
}

void WalCheckpointer::wake()
{
    {
        const std::lock_guard lock(m_mutex);
        m_pending = true;
        // The thread and its connection (~0.4 MB of page cache and schema) start with the first
        // checkpoint: a desktop that stores a few events an hour never needs them.
        if (!m_thread.joinable())
            m_thread = std::thread([this]() { run(); });
    }
    m_wake.notify_one();
}

void WalCheckpointer::run()
{
    sqlite3 *connection = nullptr;
    if (sqlite3_open_v2(m_path.constData(), &connection, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        qCDebug(lcStore) << "cannot open a checkpoint connection:" << sqlite3_errmsg(connection);
        sqlite3_close(connection);
        connection = nullptr; // the writer still checkpoints at the cap
    } else if (sqlite3_exec(connection, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) !=
               SQLITE_OK) {
        // A connection learns that the file is in WAL mode on its first read; until then a checkpoint
        // through it is a no-op that reports success (both frame counts -1).
        qCDebug(lcStore) << "cannot read through the checkpoint connection:" << sqlite3_errmsg(connection);
        sqlite3_close(connection);
        connection = nullptr;
    }
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this]() { return m_pending || m_stop; });
        if (m_stop)
            break;
        m_pending = false;
        m_running = true;
        lock.unlock();
        if (connection) {
            // PASSIVE: copies what no reader still needs, takes no lock the writer waits for.
            const std::lock_guard running(m_checkpointing);
            int walFrames = -1;
            int copiedFrames = -1;
            const int code = sqlite3_wal_checkpoint_v2(connection, "main", SQLITE_CHECKPOINT_PASSIVE,
                                                       &walFrames, &copiedFrames);
            if (code == SQLITE_OK && walFrames >= 0) // -1: the connection does not see a WAL at all
                ++m_background;
            else if (code != SQLITE_BUSY)
                qCDebug(lcStore) << "background checkpoint:" << sqlite3_errstr(code);
        }
        lock.lock();
        m_running = false;
        m_idle.notify_all();
    }
    m_running = false;
    m_idle.notify_all();
    lock.unlock();
    sqlite3_close(connection);
}

void WalCheckpointer::settleBeforeWrite()
{
    if (m_lastPages.load(std::memory_order_relaxed) < m_capPages / 2)
        return;
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this]() { return m_stop || (!m_pending && !m_running); });
}

} // namespace exeserver
