#include "store/intakejournal.h"

#include "config/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace exeserver {

namespace {

const QByteArray kSegmentHeader = QByteArrayLiteral("EXSJRNL1");
constexpr quint8 kRecordVersion = 1;
constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();
// A record's frame: its body's length and the body's CRC-32, both little-endian.
constexpr qsizetype kFrameBytes = 8;
// Larger than any webhook GitHub sends (25 MB) with room; a length past it is damage, not a record.
constexpr quint32 kMaxRecordBytes = 64 * 1024 * 1024;

quint32 crcOf(const char *data, qsizetype size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const uInt chunk = uInt(std::min<qsizetype>(size, std::numeric_limits<uInt>::max()));
        crc = crc32(crc, reinterpret_cast<const Bytef *>(data), chunk);
        data += chunk;
        size -= chunk;
    }
    return quint32(crc);
}

template <typename T>
void put(QByteArray &out, T value)
{
    const T little = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&little), sizeof little);
}

void putBytes(QByteArray &out, const QByteArray &bytes)
{
    put<quint32>(out, quint32(bytes.size()));
    out.append(bytes);
}

// Reads the fields of one record body in order; any read past the end marks it unreadable.
class BodyReader
{
public:
    BodyReader(const char *data, qsizetype size)
        : m_data(data)
        , m_end(data + size)
    {
    }

    bool ok() const { return m_ok && m_data == m_end; }

    template <typename T>
    T number()
    {
        T value{};
        if (!take(sizeof value))
            return value;
        std::memcpy(&value, m_data - sizeof value, sizeof value);
        return qFromLittleEndian(value);
    }

    QByteArray bytes()
    {
        const quint32 size = number<quint32>();
        if (!take(size))
            return {};
        return QByteArray(m_data - size, qsizetype(size));
    }

    QString text() { return QString::fromUtf8(bytes()); }

private:
    bool take(size_t size)
    {
        if (!m_ok || size_t(m_end - m_data) < size) {
            m_ok = false;
            return false;
        }
        m_data += size;
        return true;
    }

    const char *m_data;
    const char *m_end;
    bool m_ok = true;
};

// The segment files, sorted by name. Filtered by hand: QDir's name filters compile a regular expression,
// which maps PCRE2's compiler and JIT (~0.4 MB resident) into a host that otherwise never uses one.
QStringList segmentNames(const QDir &dir)
{
    QStringList names = dir.entryList(QDir::Files, QDir::Name);
    names.removeIf([](const QString &name) { return !name.endsWith(QLatin1StringView(".journal")); });
    return names;
}

QDateTime timeFrom(qint64 ms)
{
    return ms == kNoTime ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

QString IntakeJournal::directoryFor(const QString &databasePath)
{
    return databasePath + QStringLiteral("-intake");
}

IntakeJournal::IntakeJournal(const QString &directory)
    : m_directory(directory)
{
}

IntakeJournal::~IntakeJournal()
{
    close();
}

QString IntakeJournal::segmentPath(quint64 number) const
{
    return QDir(m_directory).filePath(QStringLiteral("%1.journal").arg(number, 12, 10, QLatin1Char('0')));
}

void IntakeJournal::encode(const Event &event, QByteArray &out)
{
    const qsizetype frame = out.size();
    out.append(kFrameBytes, '\0'); // filled in below, once the body's size and CRC are known
    put<quint8>(out, kRecordVersion);
    put<qint64>(out, event.occurredAt.isValid() ? event.occurredAt.toMSecsSinceEpoch() : kNoTime);
    put<qint64>(out, event.receivedAt.isValid() ? event.receivedAt.toMSecsSinceEpoch() : kNoTime);
    for (const QString *text : {&event.id, &event.type, &event.action, &event.repository, &event.sender,
                                &event.source, &event.dedupeKey})
        putBytes(out, text->toUtf8());
    putBytes(out, event.payload);
    const qsizetype bodySize = out.size() - frame - kFrameBytes;
    const quint32 header[2] = {qToLittleEndian(quint32(bodySize)),
                               qToLittleEndian(crcOf(out.constData() + frame + kFrameBytes, bodySize))};
    std::memcpy(out.data() + frame, header, sizeof header);
}

QList<Event> IntakeJournal::decode(const QByteArray &bytes, qint64 *readBytes)
{
    QList<Event> events;
    qsizetype at = 0;
    while (bytes.size() - at >= kFrameBytes) {
        const quint32 size = qFromLittleEndian<quint32>(bytes.constData() + at);
        const quint32 crc = qFromLittleEndian<quint32>(bytes.constData() + at + 4);
        if (size > kMaxRecordBytes || bytes.size() - at - kFrameBytes < qsizetype(size))
            break;
        const char *body = bytes.constData() + at + kFrameBytes;
        if (crcOf(body, size) != crc)
            break;
        BodyReader reader(body, size);
        if (reader.number<quint8>() != kRecordVersion)
            break;
        Event event;
        event.occurredAt = timeFrom(reader.number<qint64>());
        event.receivedAt = timeFrom(reader.number<qint64>());
        event.id = reader.text();
        event.type = reader.text();
        event.action = reader.text();
        event.repository = reader.text();
        event.sender = reader.text();
        event.source = reader.text();
        event.dedupeKey = reader.text();
        event.payload = reader.bytes();
        if (!reader.ok())
            break;
        events.append(std::move(event));
        at += kFrameBytes + qsizetype(size);
    }
    if (readBytes)
        *readBytes = at;
    return events;
}

Result<QList<IntakeJournal::Leftover>> IntakeJournal::leftovers() const
{
    QList<Leftover> found;
    const QDir dir(m_directory);
    if (!dir.exists())
        return found;
    const QStringList names = segmentNames(dir); // zero-padded: oldest first
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("io"), QStringLiteral("Cannot read the intake journal %1: %2")
                                                   .arg(file.fileName(), file.errorString())};
        const QByteArray bytes = file.readAll();
        Leftover leftover;
        leftover.path = file.fileName();
        if (bytes.startsWith(kSegmentHeader)) {
            qint64 read = 0;
            const QByteArray records = bytes.mid(kSegmentHeader.size());
            leftover.events = decode(records, &read);
            leftover.unreadableBytes = records.size() - read;
        } else {
            leftover.unreadableBytes = bytes.size();
        }
        if (leftover.unreadableBytes > 0)
            qCWarning(lcStore).noquote()
                << "intake journal" << leftover.path << "ends in" << leftover.unreadableBytes
                << "unreadable bytes (a torn write); the records before them are kept";
        found.append(std::move(leftover));
    }
    return found;
}

Status IntakeJournal::remove(const Leftover &leftover)
{
    if (QFile::exists(leftover.path) && !QFile::remove(leftover.path))
        return Error{QStringLiteral("io"),
                     QStringLiteral("Cannot delete the stored intake journal %1.").arg(leftover.path)};
    return success();
}

Status IntakeJournal::claim()
{
    if (m_owner)
        return success();
    if (!QDir().mkpath(m_directory))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create the intake journal folder %1.").arg(m_directory)};
    auto owner = std::make_unique<QLockFile>(QDir(m_directory).filePath(QStringLiteral("owner.lock")));
    owner->setStaleLockTime(0); // stale only when its process is gone, however long it has been held
    if (!owner->tryLock(0)) {
        qint64 pid = 0;
        owner->getLockInfo(&pid, nullptr, nullptr);
        return Error{QStringLiteral("journal_busy"),
                     QStringLiteral("Another ExeServer process (pid %1) takes webhooks into %2.")
                         .arg(pid)
                         .arg(m_directory)};
    }
    m_owner = std::move(owner);
    return success();
}

Status IntakeJournal::open()
{
    if (m_file)
        close();
    if (const Status claimed = claim(); !claimed)
        return claimed;
    if (!QDir().mkpath(m_directory))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create the intake journal folder %1.").arg(m_directory)};
    // Numbers go up across runs, so a leftover not yet stored always sorts before what this run writes.
    quint64 next = 1;
    const QStringList names = segmentNames(QDir(m_directory));
    for (const QString &name : names)
        next = std::max(next, QStringView(name).chopped(8).toULongLong() + 1);
    return startSegment(next);
}

Status IntakeJournal::startSegment(quint64 number)
{
    auto file = std::make_unique<QFile>(segmentPath(number));
    // Unbuffered: each append is one write() straight to the operating system, nothing held in the process.
    if (!file->open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered) ||
        file->write(kSegmentHeader) != kSegmentHeader.size())
        return Error{QStringLiteral("io"), QStringLiteral("Cannot write the intake journal %1: %2")
                                               .arg(file->fileName(), file->errorString())};
    m_file = std::move(file);
    m_segment = number;
    m_size = kSegmentHeader.size();
    m_unreleased.insert(number, 0);
    return success();
}

void IntakeJournal::close()
{
    if (m_file) {
        m_file.reset();
        for (auto it = m_unreleased.cbegin(); it != m_unreleased.cend(); ++it)
            if (it.value() == 0)
                QFile::remove(segmentPath(it.key()));
        m_unreleased.clear();
    }
    m_owner.reset(); // unlocks
}

Result<IntakeJournal::Ticket> IntakeJournal::append(const QList<Event> &events)
{
    if (!m_file)
        return Error{QStringLiteral("io"), QStringLiteral("The intake journal is not open.")};
    if (m_size >= kSegmentBytes) {
        const quint64 previous = m_segment;
        if (const Status started = startSegment(m_segment + 1); !started)
            return started.error();
        if (m_unreleased.value(previous) == 0) {
            m_unreleased.remove(previous);
            QFile::remove(segmentPath(previous));
        }
    }
    m_buffer.clear();
    for (const Event &event : events) {
        if (event.payload.size() > kMaxPayloadBytes)
            return Error{QStringLiteral("too_large"),
                         QStringLiteral("Event %1 is too large for the intake journal (%2 MB).")
                             .arg(event.id)
                             .arg(event.payload.size() / (1024 * 1024))};
        encode(event, m_buffer);
    }
    const qint64 written = m_file->write(m_buffer);
    if (written != m_buffer.size()) {
        const bool full = m_file->error() == QFileDevice::ResourceError;
        const QString why = m_file->errorString();
        // Cut back a partial write, so the next append follows a whole record.
        if (written > 0 && !m_file->resize(m_size))
            qCWarning(lcStore).noquote()
                << "cannot cut the intake journal back after a failed write:" << m_file->errorString();
        m_file->seek(m_size);
        return Error{full ? QStringLiteral("disk_full") : QStringLiteral("io"),
                     QStringLiteral("Cannot write the intake journal %1: %2").arg(m_file->fileName(), why)};
    }
    m_size += written;
    m_unreleased[m_segment] += events.size();
    if (m_buffer.capacity() > 4 * 1024 * 1024)
        m_buffer = QByteArray(); // one burst's buffer is not kept for the quiet hours after it
    return Ticket{m_segment, int(events.size())};
}

void IntakeJournal::release(const Ticket &ticket)
{
    const auto it = m_unreleased.find(ticket.segment);
    if (it == m_unreleased.end())
        return;
    it.value() -= ticket.records;
    if (it.value() > 0)
        return;
    if (ticket.segment != m_segment) {
        m_unreleased.erase(it);
        QFile::remove(segmentPath(ticket.segment));
    } else if (m_size >= kReclaimBytes && m_file) {
        // Everything written here is stored: start this segment over rather than let it grow.
        if (m_file->resize(kSegmentHeader.size()) && m_file->seek(kSegmentHeader.size()))
            m_size = kSegmentHeader.size();
    }
}

qsizetype IntakeJournal::unreleasedRecords() const
{
    qsizetype total = 0;
    for (const qsizetype count : m_unreleased)
        total += count;
    return total;
}

} // namespace exeserver
