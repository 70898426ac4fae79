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
    m_thread = std::thread([this]() { run(); });
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
    m_thread.join();
}

int WalCheckpointer::onCommit(void *self, sqlite3 *db, const char *schema, int pages)
{
    auto *checkpointer = static_cast<WalCheckpointer *>(self);
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
    if (pages >= checkpointer->m_startPages) {
        {
            const std::lock_guard lock(checkpointer->m_mutex);
            checkpointer->m_pending = true;
        }
        checkpointer->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run()
{
    sqlite3 *connection = nullptr;
    if (sqlite3_open_v2(m_path.constData(), &connection, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        qCDebug(lcStore) << "cannot open a checkpoint connection:" << sqlite3_errmsg(connection);
        sqlite3_close(connection);
        connection = nullptr; // the writer still checkpoints at the cap
    }
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this]() { return m_pending || m_stop; });
        if (m_stop)
            break;
        m_pending = false;
        lock.unlock();
        if (connection) {
            // PASSIVE: copies what no reader still needs, takes no lock the writer waits for.
            const std::lock_guard running(m_checkpointing);
            const int code =
                sqlite3_wal_checkpoint_v2(connection, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            if (code == SQLITE_OK)
                ++m_background;
            else if (code != SQLITE_BUSY)
                qCDebug(lcStore) << "background checkpoint:" << sqlite3_errstr(code);
        }
        lock.lock();
    }
    lock.unlock();
    sqlite3_close(connection);
}

} // namespace exeserver
