#pragma once

#include "events/event.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

class QFile;
class QLockFile;

namespace exeserver {

// An append-only log of accepted events that are not yet in the event store. The webhook intake writes a
// delivery here — one write() for every delivery of an event-loop turn — and answers once the write
// returned: the bytes are then in the operating system's hands and survive a killed process, as a WAL
// commit with synchronous=NORMAL does. The store takes the events later, in large transactions on a thread
// of its own (IngestWorker), and each record is released once it is committed there. What a killed process
// left is read back at the next start (recover) and stored before anything new is accepted; storing is
// idempotent (ids and dedupe keys), so a record stored just before the kill is not stored twice.
//
// The guarantee is a killed process's, not a power cut's: nothing is fsynced (neither are SQLite's commits
// with synchronous=NORMAL). One process owns the folder at a time (a lock file; the GUI and `serve` may share
// a data folder): another gets claim()'s "journal_busy" and stores before answering instead.
//
// The log is a folder of numbered segment files; a segment's number is also its generation. Each record's
// frame carries its length, the generation it was written in and a CRC-32C of both and its bytes, so a
// torn tail (a full disk, a crash mid-write) is recognised and skipped, never misread. Segment files are
// reused rather than deleted: once all its records are released, a segment becomes a spare (up to
// kMaxSpares), and the next segment takes a spare's file under a new number — overwriting blocks the file
// already has costs the kernel a fraction of allocating new ones and freeing them with the file. The
// records of a file's earlier lives stay behind the new ones, but carry an older generation, so reading
// stops at them. The segment being written starts over the same way (under the next number) once all its
// records are released and it has grown past kReclaimBytes.
class IntakeJournal
{
public:
    // Identifies the records of one append, to release them once they are stored.
    struct Ticket
    {
        quint64 segment = 0;
        int records = 0;
    };
    // What decode() read from a segment file's bytes.
    struct Decoded
    {
        QList<Event> events;
        qint64 unreadableBytes = 0; // after the last record read: torn or damaged (not an earlier life's)
    };
    // One segment a previous run left, with every record that could be read back (the tail skipped).
    struct Leftover : Decoded
    {
        QString path;
    };

    static constexpr qint64 kSegmentBytes = 8 * 1024 * 1024;        // a new segment past this size
    static constexpr qint64 kReclaimBytes = 1024 * 1024;            // start a released segment over past this
    static constexpr int kMaxSpares = 2;                            // released segment files kept for reuse
    static constexpr qsizetype kMaxPayloadBytes = 63 * 1024 * 1024; // so a record reads back (64 MB frames)
    static QString directoryFor(const QString &databasePath);       // "<database>-intake" beside the file

    explicit IntakeJournal(const QString &directory);
    ~IntakeJournal();
    IntakeJournal(const IntakeJournal &) = delete;
    IntakeJournal &operator=(const IntakeJournal &) = delete;

    QString directory() const { return m_directory; }

    // Takes the folder for this process until close(): "journal_busy" while another live process has it (a
    // killed one's claim is taken over). Call before leftovers() and open().
    Status claim();

    // What earlier runs left, oldest first. Call before open(); remove each leftover once it is stored.
    Result<QList<Leftover>> leftovers() const;
    Status remove(const Leftover &leftover);

    // Creates the folder and starts a new segment after any leftover (and any spare's past numbers).
    Status open();
    bool isOpen() const { return m_opened; }
    void close(); // deletes the segments whose records are all released, and the spares; gives the folder up

    // Appends the events with one write. On an error nothing is appended (the segment is cut back).
    Result<Ticket> append(const QList<Event> &events);
    void release(const Ticket &ticket);
    qsizetype unreleasedRecords() const;
    // For a quiet spell: deletes the spares, frees the write buffer, and cuts the segment being written
    // back to its header when all its records are released. The next burst allocates again.
    void shrink();
    int spareCount() const { return int(m_spares.size()); }

    // The record format, exposed for tests and the fuzzer: a segment's header, one record, and every
    // record a segment file's bytes hold (stopping at the first that is unreadable or of an earlier life).
    static QByteArray header(quint64 generation);
    static void encode(const Event &event, quint64 generation, QByteArray &out);
    static Decoded decode(const QByteArray &segment);

private:
    Status startSegment(quint64 number);
    void startOver();            // the segment being written, all released: the next number in its file
    void retire(quint64 number); // a segment whose records are all released: a spare, or deleted
    QString segmentPath(quint64 number) const;
    QString sparePath(quint64 number) const;

    QString m_directory;
    std::unique_ptr<QLockFile> m_owner;
    std::unique_ptr<QFile> m_file;
    bool m_opened = false;                  // between open() and close()
    quint64 m_segment = 0;                  // the segment being written, and its generation
    qint64 m_size = 0;                      // where its next record goes
    QHash<quint64, qsizetype> m_unreleased; // records not yet released, per segment
    QStringList m_spares;                   // spare files, the most recently released last
    QByteArray m_buffer;                    // reused for each append's bytes
};

} // namespace exeserver
