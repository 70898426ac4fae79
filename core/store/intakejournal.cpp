#include "store/intakejournal.h"

#include "config/logging.h"
#include "store/crc32c.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

namespace exeserver {

namespace {

// Segments written before generations (version 1: frames of length and zlib's CRC-32) are still read, so
// what an older version left is stored after an upgrade.
const QByteArray kSegmentHeaderV1 = QByteArrayLiteral("EXSJRNL1");
const QByteArray kSegmentMagic = QByteArrayLiteral("EXSJRNL2"); // followed by the generation
constexpr qsizetype kHeaderBytes = 16;
constexpr quint8 kRecordVersion = 1;
constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();
// A record's frame: its body's length, the CRC-32C of the generation and the body, and the generation, all
// little-endian. The generation sits right before the body, so the CRC covers one contiguous run of bytes.
constexpr qsizetype kFrameBytes = 16;
constexpr qsizetype kFrameBytesV1 = 8; // length and zlib CRC-32 of the body
// Room for a record's fields besides the payload: a guess, only to size the write buffer.
constexpr qsizetype kRecordOverheadBytes = 512;
// Larger than any webhook GitHub sends (25 MB) with room; a length past it is damage, not a record.
constexpr quint32 kMaxRecordBytes = 64 * 1024 * 1024;

quint32 zlibCrcOf(const char *data, qsizetype size)
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
QStringList namesEndingIn(const QDir &dir, QLatin1StringView suffix)
{
    QStringList names = dir.entryList(QDir::Files, QDir::Name);
    names.removeIf([suffix](const QString &name) { return !name.endsWith(suffix); });
    return names;
}

QStringList segmentNames(const QDir &dir)
{
    return namesEndingIn(dir, QLatin1StringView(".journal"));
}

QStringList spareNames(const QDir &dir)
{
    return namesEndingIn(dir, QLatin1StringView(".spare"));
}

bool renew(const QString &spare, const QByteArray &header)
{
    QFile file(spare);
    return file.open(QIODevice::ReadWrite) && file.write(header) == header.size();
}

quint64 numberOf(const QString &name)
{
    return QStringView(name).left(name.indexOf(QLatin1Char('.'))).toULongLong();
}

// Reads the records from `at` on. With a generation (version 2 frames), a frame of another generation ends
// the records without being damage: it is an earlier life of the file, or never-written zeros.
QList<Event> decodeRecords(const QByteArray &bytes, qsizetype at, std::optional<quint64> generation,
                           qint64 *unreadable);

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

QString IntakeJournal::sparePath(quint64 number) const
{
    return QDir(m_directory).filePath(QStringLiteral("%1.spare").arg(number, 12, 10, QLatin1Char('0')));
}

QByteArray IntakeJournal::header(quint64 generation)
{
    QByteArray out = kSegmentMagic;
    put<quint64>(out, generation);
    return out;
}

void IntakeJournal::encode(const Event &event, quint64 generation, QByteArray &out)
{
    const qsizetype frame = out.size();
    out.append(kFrameBytes - 8, '\0'); // length and CRC: filled in below, once the body is known
    put<quint64>(out, generation);
    put<quint8>(out, kRecordVersion);
    put<qint64>(out, event.occurredAt.isValid() ? event.occurredAt.toMSecsSinceEpoch() : kNoTime);
    put<qint64>(out, event.receivedAt.isValid() ? event.receivedAt.toMSecsSinceEpoch() : kNoTime);
    for (const QString *text : {&event.id, &event.type, &event.action, &event.repository, &event.sender,
                                &event.source, &event.dedupeKey})
        putBytes(out, text->toUtf8());
    putBytes(out, event.payload);
    const qsizetype bodySize = out.size() - frame - kFrameBytes;
    const quint32 crc = crc32c::extend(0, out.constData() + frame + 8, 8 + bodySize);
    const quint32 head[2] = {qToLittleEndian(quint32(bodySize)), qToLittleEndian(crc)};
    std::memcpy(out.data() + frame, head, sizeof head);
}

IntakeJournal::Decoded IntakeJournal::decode(const QByteArray &segment)
{
    Decoded decoded;
    if (segment.startsWith(kSegmentMagic) && segment.size() >= kHeaderBytes) {
        const quint64 generation = qFromLittleEndian<quint64>(segment.constData() + kSegmentMagic.size());
        decoded.events = decodeRecords(segment, kHeaderBytes, generation, &decoded.unreadableBytes);
    } else if (segment.startsWith(kSegmentHeaderV1)) {
        decoded.events =
            decodeRecords(segment, kSegmentHeaderV1.size(), std::nullopt, &decoded.unreadableBytes);
    } else {
        decoded.unreadableBytes = segment.size();
    }
    return decoded;
}

namespace {

QList<Event> decodeRecords(const QByteArray &bytes, qsizetype at, std::optional<quint64> generation,
                           qint64 *unreadable)
{
    QList<Event> events;
    const qsizetype frameBytes = generation ? kFrameBytes : kFrameBytesV1;
    *unreadable = 0;
    while (at < bytes.size()) {
        const char *frame = bytes.constData() + at;
        if (bytes.size() - at < frameBytes) {
            *unreadable = bytes.size() - at;
            break;
        }
        if (generation && qFromLittleEndian<quint64>(frame + 8) != *generation)
            break; // an earlier life's record, or zeros: the end of this generation's
        const quint32 size = qFromLittleEndian<quint32>(frame);
        const quint32 crc = qFromLittleEndian<quint32>(frame + 4);
        const char *body = frame + frameBytes;
        const bool whole = size <= kMaxRecordBytes && bytes.size() - at - frameBytes >= qsizetype(size);
        const bool sound = whole && (generation ? crc32c::extend(0, frame + 8, 8 + qsizetype(size))
                                                : zlibCrcOf(body, size)) == crc;
        BodyReader reader(body, sound ? size : 0);
        Event event;
        if (sound && reader.number<quint8>() == kRecordVersion) {
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
        }
        if (!sound || !reader.ok()) {
            *unreadable = bytes.size() - at;
            break;
        }
        events.append(std::move(event));
        at += frameBytes + qsizetype(size);
    }
    return events;
}

} // namespace

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
        Leftover leftover{decode(file.readAll()), file.fileName()};
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
    if (m_opened)
        close();
    if (const Status claimed = claim(); !claimed)
        return claimed;
    if (!QDir().mkpath(m_directory))
        return Error{QStringLiteral("read_only"),
                     QStringLiteral("Cannot create the intake journal folder %1.").arg(m_directory)};
    // Numbers go up across runs, so a leftover not yet stored always sorts before what this run writes, and
    // a spare's file never holds a record of the generation it is given next.
    const QDir dir(m_directory);
    quint64 next = 1;
    for (const QString &name : segmentNames(dir))
        next = std::max(next, numberOf(name) + 1);
    m_spares.clear();
    for (const QString &name : spareNames(dir)) {
        next = std::max(next, numberOf(name) + 1);
        if (m_spares.size() < kMaxSpares)
            m_spares.append(dir.filePath(name)); // a killed run's spares
        else
            QFile::remove(dir.filePath(name));
    }
    if (const Status started = startSegment(next); !started)
        return started;
    m_opened = true;
    return success();
}

Status IntakeJournal::startSegment(quint64 number)
{
    const QString path = segmentPath(number);
    const QByteArray head = header(number);
    // A spare gets its new header before its new name: under that name it never shows an earlier life's
    // header, whose records would read as valid ones.
    while (!m_spares.isEmpty()) {
        const QString spare =
            m_spares.takeLast(); // the most recently used: its pages are the likeliest cached
        if (renew(spare, head) && QFile::rename(spare, path))
            break;
        QFile::remove(spare);
    }
    auto file = std::make_unique<QFile>(path);
    // Unbuffered: each append is one write() straight to the operating system, nothing held in the process.
    // Not truncated: a spare's blocks are overwritten in place.
    if (!file->open(QIODevice::ReadWrite | QIODevice::Unbuffered) || file->write(head) != head.size())
        return Error{QStringLiteral("io"), QStringLiteral("Cannot write the intake journal %1: %2")
                                               .arg(file->fileName(), file->errorString())};
    m_file = std::move(file);
    m_segment = number;
    m_size = head.size();
    m_unreleased.insert(number, 0);
    return success();
}

void IntakeJournal::retire(quint64 number)
{
    m_unreleased.remove(number);
    const QString path = segmentPath(number);
    if (m_spares.size() < kMaxSpares) {
        const QString spare = sparePath(number); // named by the last generation it held
        if (QFile::rename(path, spare)) {
            m_spares.append(spare);
            return;
        }
    }
    QFile::remove(path);
}

void IntakeJournal::startOver()
{
    const quint64 current = m_segment;
    m_file.reset();
    retire(current);
    if (const Status started = startSegment(current + 1); !started)
        qCWarning(lcStore).noquote() << started.error().message; // the next append tries again
}

void IntakeJournal::close()
{
    if (m_opened) {
        m_file.reset();
        for (auto it = m_unreleased.cbegin(); it != m_unreleased.cend(); ++it)
            if (it.value() == 0)
                QFile::remove(segmentPath(it.key()));
        m_unreleased.clear();
        for (const QString &spare : std::as_const(m_spares))
            QFile::remove(spare);
        m_spares.clear();
        m_opened = false;
    }
    m_owner.reset(); // unlocks
}

void IntakeJournal::shrink()
{
    for (const QString &spare : std::as_const(m_spares))
        QFile::remove(spare);
    m_spares.clear();
    m_buffer = QByteArray(); // kept between the appends of a burst, not for the quiet after it
    if (m_file && m_unreleased.value(m_segment) == 0 && m_file->resize(kHeaderBytes) &&
        m_file->seek(kHeaderBytes))
        m_size = kHeaderBytes; // released records only: none needs to survive a kill
}

Result<IntakeJournal::Ticket> IntakeJournal::append(const QList<Event> &events)
{
    if (!m_opened)
        return Error{QStringLiteral("io"), QStringLiteral("The intake journal is not open.")};
    if (!m_file || m_size >= kSegmentBytes) {
        const quint64 previous = m_segment;
        const bool wasOpen = m_file != nullptr;
        m_file.reset();
        if (const Status started = startSegment(m_segment + 1); !started)
            return started.error();
        if (wasOpen && m_unreleased.value(previous) == 0)
            retire(previous);
    }
    // Sized once for the whole append, and kept between appends: clear() would free it, and growing it
    // payload by payload would copy it again each time.
    qsizetype bytes = 0;
    for (const Event &event : events)
        bytes += kFrameBytes + kRecordOverheadBytes + event.payload.size();
    m_buffer.resize(0);
    m_buffer.reserve(bytes);
    for (const Event &event : events) {
        if (event.payload.size() > kMaxPayloadBytes)
            return Error{QStringLiteral("too_large"),
                         QStringLiteral("Event %1 is too large for the intake journal (%2 MB).")
                             .arg(event.id)
                             .arg(event.payload.size() / (1024 * 1024))};
        encode(event, m_segment, m_buffer);
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
    if (ticket.segment != m_segment)
        retire(ticket.segment);
    else if (m_size >= kReclaimBytes && m_file)
        startOver(); // everything written here is stored: reuse the file rather than let it grow
}

qsizetype IntakeJournal::unreleasedRecords() const
{
    qsizetype total = 0;
    for (const qsizetype count : m_unreleased)
        total += count;
    return total;
}

} // namespace exeserver
