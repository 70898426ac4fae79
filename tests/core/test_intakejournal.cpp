// The intake journal and the sink behind it: a delivery is answered once it is in the journal, stored by
// the ingest worker, announced once stored; what a killed process or a full store left is stored at the
// next start, once.
#include "catch.h"
#include "storetestutil.h"

#include "events/journalledstoresink.h"
#include "store/crc32c.h"
#include "store/eventstore.h"
#include "store/intakejournal.h"
#include "util/heaptrim.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <optional>

using namespace exeserver;
using exeserver::test::dbPath;
using exeserver::test::sampleEvent;

namespace {

NormalizedEvent normalized(const Event &event)
{
    NormalizedEvent out;
    out.id = event.id;
    out.name = event.type;
    out.action = event.action;
    out.repository = event.repository;
    out.sender = event.sender;
    out.occurredAt = event.occurredAt;
    out.receivedAt = event.receivedAt;
    out.payload = event.payload;
    out.dedupeKey = event.dedupeKey;
    out.source = EventSource::Webhook;
    return out;
}

QStringList segmentFiles(const QString &directory)
{
    return QDir(directory).entryList({QStringLiteral("*.journal")}, QDir::Files, QDir::Name);
}

void checkSame(const Event &read, const Event &written)
{
    CHECK(read.id == written.id);
    CHECK(read.type == written.type);
    CHECK(read.action == written.action);
    CHECK(read.repository == written.repository);
    CHECK(read.sender == written.sender);
    CHECK(read.source == written.source);
    CHECK(read.occurredAt == written.occurredAt);
    CHECK(read.receivedAt == written.receivedAt);
    CHECK(read.payload == written.payload);
    CHECK(read.dedupeKey == written.dedupeKey);
}

} // namespace

TEST_CASE("Intake journal: what was appended reads back field for field; a torn or damaged tail is skipped",
          "[journal]")
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("intake"));
    QList<Event> events{sampleEvent(1), sampleEvent(2, QStringLiteral("push"), QString()), sampleEvent(3)};
    events[1].occurredAt = QDateTime(); // no time in the payload
    events[1].dedupeKey = QStringLiteral("push:octo/ü:abc");
    events[2].source = eventsource::Relay;
    {
        IntakeJournal journal(folder);
        REQUIRE(journal.open().ok());
        REQUIRE(journal.append({events[0]}).ok());
        REQUIRE(journal.append({events[1], events[2]}).ok());
        CHECK(journal.unreleasedRecords() == 3);
        // Not released: as a killed process leaves it.
    }
    const QStringList files = segmentFiles(folder);
    REQUIRE(files.size() == 1);
    const QString segment = QDir(folder).filePath(files.first());

    Result<QList<IntakeJournal::Leftover>> left = IntakeJournal(folder).leftovers();
    REQUIRE(left.ok());
    REQUIRE(left->size() == 1);
    REQUIRE(left->first().events.size() == 3);
    CHECK(left->first().unreadableBytes == 0);
    for (int i = 0; i < 3; ++i)
        checkSame(left->first().events[i], events[i]);

    SECTION("a write cut short by a crash or a full disk")
    {
        QFile file(segment);
        REQUIRE(file.resize(file.size() - 5));
        left = IntakeJournal(folder).leftovers();
        REQUIRE(left.ok());
        REQUIRE(left->first().events.size() == 2);
        CHECK(left->first().unreadableBytes > 0);
        checkSame(left->first().events[1], events[1]);
    }
    SECTION("a damaged byte in a record's body")
    {
        QFile file(segment);
        REQUIRE(file.open(QIODevice::ReadWrite));
        QByteArray bytes = file.readAll();
        const qsizetype at = bytes.indexOf(events[1].payload.left(40));
        REQUIRE(at > 0);
        bytes[at + 10] = char(bytes[at + 10] ^ 0x20);
        file.seek(0);
        file.write(bytes);
        file.close();
        left = IntakeJournal(folder).leftovers();
        REQUIRE(left.ok());
        REQUIRE(left->first().events.size() == 1); // the damaged record and what follows are not guessed at
        checkSame(left->first().events[0], events[0]);
    }
    SECTION("a file that is not a journal segment")
    {
        QFile file(segment);
        REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("not a journal");
        file.close();
        left = IntakeJournal(folder).leftovers();
        REQUIRE(left.ok());
        CHECK(left->first().events.isEmpty());
        CHECK(left->first().unreadableBytes == 13);
    }
}

TEST_CASE("Intake journal: a released segment's file is reused under a new number, and never shows its "
          "earlier records",
          "[journal]")
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("intake"));
    IntakeJournal journal(folder);
    REQUIRE(journal.open().ok());
    Event big = sampleEvent(1);
    big.payload = QByteArray(64 * 1024, 'x'); // the journal does not look inside

    // Past the reclaim size but inside one segment: released, it starts over under the next number in
    // the same file, its blocks kept.
    QList<IntakeJournal::Ticket> tickets;
    for (int i = 0; i < 20; ++i) {
        big.id = QStringLiteral("reclaim-%1").arg(i);
        const Result<IntakeJournal::Ticket> ticket = journal.append({big});
        REQUIRE(ticket.ok());
        tickets.append(*ticket);
    }
    REQUIRE(segmentFiles(folder).size() == 1);
    const QString first = segmentFiles(folder).first();
    for (const IntakeJournal::Ticket &ticket : std::as_const(tickets))
        journal.release(ticket);
    CHECK(journal.unreleasedRecords() == 0);
    REQUIRE(segmentFiles(folder).size() == 1);
    const QString second = QDir(folder).filePath(segmentFiles(folder).first());
    CHECK(QFileInfo(second).fileName() > first);
    CHECK(QFileInfo(second).size() > IntakeJournal::kReclaimBytes);
    Result<QList<IntakeJournal::Leftover>> left = IntakeJournal(folder).leftovers();
    REQUIRE(left.ok());
    CHECK(left->first().events.isEmpty());     // the released records behind the new header are not read back
    CHECK(left->first().unreadableBytes == 0); // nor taken for damage

    // Released past the segment size: a spare, whose file the next segment takes.
    tickets.clear();
    for (int i = 0; QFileInfo(second).size() < IntakeJournal::kSegmentBytes; ++i) {
        big.id = QStringLiteral("rotate-%1").arg(i);
        const Result<IntakeJournal::Ticket> ticket = journal.append({big});
        REQUIRE(ticket.ok());
        tickets.append(*ticket);
    }
    const Result<IntakeJournal::Ticket> third = journal.append({sampleEvent(2)});
    REQUIRE(third.ok());
    CHECK(segmentFiles(folder).size() == 2);
    for (const IntakeJournal::Ticket &ticket : std::as_const(tickets))
        journal.release(ticket);
    CHECK(segmentFiles(folder).size() == 1);
    CHECK_FALSE(QFile::exists(second));
    CHECK(journal.spareCount() == 1);
    for (int i = 0; journal.spareCount() == 1; ++i) { // fill the third segment until the spare is taken
        big.id = QStringLiteral("fill-%1").arg(i);
        REQUIRE(journal.append({big}).ok());
    }
    CHECK(segmentFiles(folder).size() == 2);
    CHECK(QDir(folder).entryList(QDir::Files).size() == 3); // two segments and the lock: no new file

    // As a killed process leaves it: the reused file reads back only what was written in its new life.
    REQUIRE(journal.append({sampleEvent(3), sampleEvent(4)}).ok());
    const QString fourth = QDir(folder).filePath(segmentFiles(folder).last());
    CHECK(QFileInfo(fourth).size() > IntakeJournal::kSegmentBytes); // the spare's old records still there
    left = IntakeJournal(folder).leftovers();
    REQUIRE(left.ok());
    REQUIRE(left->size() == 2);
    REQUIRE(left->last().events.size() == 3); // the append that took the spare, and these two
    CHECK(left->last().unreadableBytes == 0);
    checkSame(left->last().events[1], sampleEvent(3));
    checkSame(left->last().events[2], sampleEvent(4));
}

TEST_CASE("Intake journal: a record of an earlier generation ends the records, a torn one of this "
          "generation is damage",
          "[journal]")
{
    const Event one = sampleEvent(1);
    const Event two = sampleEvent(2);
    QByteArray segment = IntakeJournal::header(7);
    IntakeJournal::encode(one, 7, segment);
    const qsizetype afterOne = segment.size();
    IntakeJournal::encode(two, 6, segment); // what the file held before it became segment 7
    IntakeJournal::encode(two, 7, segment); // never read: it follows the earlier life's record

    IntakeJournal::Decoded decoded = IntakeJournal::decode(segment);
    REQUIRE(decoded.events.size() == 1);
    checkSame(decoded.events.first(), one);
    CHECK(decoded.unreadableBytes == 0);

    SECTION("never-written zeros after the last record")
    {
        segment.truncate(afterOne);
        segment.append(4096, '\0');
        decoded = IntakeJournal::decode(segment);
        CHECK(decoded.events.size() == 1);
        CHECK(decoded.unreadableBytes == 0);
    }
    SECTION("a record of this generation torn over an earlier one")
    {
        QByteArray torn = IntakeJournal::header(7);
        IntakeJournal::encode(one, 7, torn);
        QByteArray newer;
        IntakeJournal::encode(two, 7, newer);
        torn.append(newer.left(newer.size() / 2)); // the write got this far...
        Event earlier = two;                       // the same size, other bytes
        earlier.payload.replace("\"", "'");
        REQUIRE(earlier.payload != two.payload);
        QByteArray older;
        IntakeJournal::encode(earlier, 6, older);
        torn.append(older.mid(newer.size() / 2)); // ...over the earlier record's bytes
        decoded = IntakeJournal::decode(torn);
        CHECK(decoded.events.size() == 1);
        CHECK(decoded.unreadableBytes == older.size()); // from the torn record on
    }
    SECTION("a generation changed in a record's frame is caught by its CRC")
    {
        QByteArray changed = IntakeJournal::header(7);
        QByteArray record;
        IntakeJournal::encode(one, 6, record);
        record[8] = 7; // the frame's generation, little-endian: now 7, but the CRC was of 6
        changed.append(record);
        decoded = IntakeJournal::decode(changed);
        CHECK(decoded.events.isEmpty());
        CHECK(decoded.unreadableBytes == record.size());
    }
}

namespace {

// zlib's CRC-32, bit by bit: what a version-1 segment's frames carry.
quint32 crc32Reference(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFF;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1) ? 0xEDB88320 : 0);
    }
    return ~crc;
}

} // namespace

TEST_CASE("Intake journal: a segment an older version left (no generations, zlib's CRC-32) is still read",
          "[journal]")
{
    QByteArray segment = QByteArrayLiteral("EXSJRNL1");
    for (const Event &event : {sampleEvent(1), sampleEvent(2)}) {
        QByteArray record;
        IntakeJournal::encode(event, 1, record);
        const QByteArray body = record.mid(16); // the body is the same in both versions
        const quint32 frame[2] = {qToLittleEndian(quint32(body.size())),
                                  qToLittleEndian(crc32Reference(body))};
        segment.append(reinterpret_cast<const char *>(frame), sizeof frame);
        segment.append(body);
    }
    IntakeJournal::Decoded decoded = IntakeJournal::decode(segment);
    REQUIRE(decoded.events.size() == 2);
    checkSame(decoded.events[1], sampleEvent(2));
    CHECK(decoded.unreadableBytes == 0);
    segment.chop(3);
    decoded = IntakeJournal::decode(segment);
    CHECK(decoded.events.size() == 1);
    CHECK(decoded.unreadableBytes > 0);
}

TEST_CASE("Intake journal: numbers go past a killed run's spares; a quiet spell and a close drop the "
          "spares",
          "[journal]")
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("intake"));
    REQUIRE(QDir().mkpath(folder));
    {
        // A killed run's spare, holding records of its generation 40.
        QFile spare(QDir(folder).filePath(QStringLiteral("000000000040.spare")));
        REQUIRE(spare.open(QIODevice::WriteOnly));
        QByteArray bytes = IntakeJournal::header(40);
        IntakeJournal::encode(sampleEvent(9), 40, bytes);
        spare.write(bytes);
    }
    IntakeJournal journal(folder);
    REQUIRE(journal.leftovers()->isEmpty()); // a spare is not a leftover
    REQUIRE(journal.open().ok());
    CHECK(segmentFiles(folder) == QStringList{QStringLiteral("000000000041.journal")}); // it took the spare
    CHECK(journal.spareCount() == 0);
    const Result<IntakeJournal::Ticket> ticket = journal.append({sampleEvent(1)});
    REQUIRE(ticket.ok());
    {
        const Result<QList<IntakeJournal::Leftover>> left = IntakeJournal(folder).leftovers();
        REQUIRE(left->size() == 1);
        REQUIRE(left->first().events.size() == 1);
        CHECK(left->first().events.first().id == sampleEvent(1).id);
    }

    // Three segments released: two become spares (one is taken again at once: the segment being written
    // starts over in it); a quiet spell drops them and cuts the segment back.
    Event big = sampleEvent(2);
    big.payload = QByteArray(1024 * 1024, 'x');
    QList<IntakeJournal::Ticket> tickets{*ticket};
    for (int i = 0; i < 20; ++i) {
        big.id = QStringLiteral("big-%1").arg(i);
        const Result<IntakeJournal::Ticket> next = journal.append({big});
        REQUIRE(next.ok());
        tickets.append(*next);
    }
    for (const IntakeJournal::Ticket &released : std::as_const(tickets))
        journal.release(released);
    CHECK(journal.spareCount() == IntakeJournal::kMaxSpares - 1);
    journal.shrink();
    CHECK(journal.spareCount() == 0);
    CHECK(QDir(folder).entryList({QStringLiteral("*.spare")}, QDir::Files).isEmpty());
    REQUIRE(segmentFiles(folder).size() == 1);
    CHECK(QFileInfo(QDir(folder).filePath(segmentFiles(folder).first())).size() == 16); // its header
    REQUIRE(journal.append({sampleEvent(3)}).ok());
    journal.close();
    CHECK(segmentFiles(folder).size() == 1); // not released: kept for the next start
    CHECK(QDir(folder).entryList({QStringLiteral("*.spare")}, QDir::Files).isEmpty());
}

TEST_CASE("CRC-32C: the standard check value, and the hardware and table versions agree", "[journal]")
{
    CHECK(crc32c::extend(0, "123456789", 9) == 0xE3069283);
    CHECK(crc32c::extendPortable(0, "123456789", 9) == 0xE3069283);
    QByteArray bytes(300, Qt::Uninitialized);
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(i * 131 + 7);
    for (qsizetype from = 0; from < 9; ++from)
        for (qsizetype size = 0; size + from <= bytes.size(); size += 37) {
            const quint32 whole = crc32c::extend(0, bytes.constData() + from, size);
            CHECK(whole == crc32c::extendPortable(0, bytes.constData() + from, size));
            // Extending in two steps gives the sum of the whole run.
            const quint32 half = crc32c::extend(0, bytes.constData() + from, size / 2);
            CHECK(whole == crc32c::extend(half, bytes.constData() + from + size / 2, size - size / 2));
        }
}

TEST_CASE("Journalled sink: answered Stored before the store has it, announced once it does, a copy is a "
          "duplicate either way",
          "[journal][sink]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    JournalledStoreSink sink(store);
    QList<NormalizedEvent> announced;
    sink.setCommittedHandler([&](const QList<NormalizedEvent> &events) { announced.append(events); });
    REQUIRE(sink.start().ok());

    const NormalizedEvent first = normalized(sampleEvent(1));
    NormalizedEvent sameKey = normalized(sampleEvent(2));
    NormalizedEvent keyed = normalized(sampleEvent(3));
    keyed.dedupeKey = sameKey.dedupeKey = QStringLiteral("pull_request:octo/repo:42:opened");

    // The same delivery twice in one batch, and a second source's copy (same dedupe key) right after.
    const QList<Result<EventSink::Outcome>> outcomes = sink.acceptAll({first, first, keyed});
    REQUIRE(outcomes.size() == 3);
    CHECK(*outcomes[0] == EventSink::Outcome::Stored);
    CHECK(*outcomes[1] == EventSink::Outcome::Duplicate);
    CHECK(*outcomes[2] == EventSink::Outcome::Stored);
    CHECK(*sink.accept(sameKey) == EventSink::Outcome::Duplicate); // held, not yet committed

    REQUIRE(QTest::qWaitFor([&]() { return announced.size() == 2; }, 5000));
    CHECK(announced[0].id == first.id);
    CHECK(announced[1].id == keyed.id);
    CHECK(store.event(first.id)->has_value());
    CHECK(sink.uncommittedCount() == 0);
    // Now from the store.
    CHECK(*sink.accept(first) == EventSink::Outcome::Duplicate);
    CHECK(*sink.accept(sameKey) == EventSink::Outcome::Duplicate);
    CHECK(*store.eventCount() == 2);

    // Stopping stores and announces what is still held.
    CHECK(*sink.accept(normalized(sampleEvent(4))) == EventSink::Outcome::Stored);
    sink.stop();
    CHECK(announced.size() == 3);
    CHECK(*store.eventCount() == 3);
    CHECK(segmentFiles(IntakeJournal::directoryFor(store.path())).isEmpty());
    CHECK_FALSE(sink.accept(normalized(sampleEvent(5))).ok()); // stopped: refused, not lost
}

TEST_CASE("Journalled sink: what a killed process left in the journal is stored at the next start, once",
          "[journal][sink]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    const Event stored = sampleEvent(1);
    REQUIRE(store.addEvent(stored).ok()); // committed just before the kill
    {
        IntakeJournal journal(IntakeJournal::directoryFor(store.path()));
        REQUIRE(journal.open().ok());
        REQUIRE(journal.append({stored, sampleEvent(2)}).ok());
        REQUIRE(journal.append({sampleEvent(3)}).ok());
    } // no release: the process died here

    JournalledStoreSink sink(store);
    REQUIRE(sink.start().ok());
    CHECK(sink.recoveredCount() == 2);
    CHECK(*store.eventCount() == 3);
    CHECK(store.event(sampleEvent(3).id)->has_value());
    CHECK(*sink.accept(normalized(sampleEvent(2))) == EventSink::Outcome::Duplicate);
    sink.stop();
    CHECK(segmentFiles(IntakeJournal::directoryFor(store.path())).isEmpty());
}

TEST_CASE("Journalled sink: a full store loses nothing: accepted events wait in the journal, new ones are "
          "refused with the store's error, and the next start stores them",
          "[journal][sink]")
{
    QTemporaryDir dir;
    QStringList accepted;
    {
        EventStore store;
        EventStore::Options options;
        options.maxPageCount = 60; // a tiny "disk"
        REQUIRE(store.open(dbPath(dir), options).ok());
        JournalledStoreSink sink(store);
        QSignalSpy failing(&sink, &JournalledStoreSink::storeFailing);
        REQUIRE(sink.start().ok());
        std::optional<Error> refused;
        for (int n = 0; n < 5000 && !refused; ++n) {
            const NormalizedEvent event = normalized(sampleEvent(n));
            const Result<EventSink::Outcome> outcome = sink.accept(event);
            if (!outcome)
                refused = outcome.error();
            else
                accepted.append(event.id);
            if (n % 50 == 49)
                QTest::qWait(20); // let the worker's reports in
        }
        REQUIRE(refused.has_value());
        CHECK(refused->kind == QLatin1String("disk_full"));
        CHECK(refused->message.contains(QLatin1String("full")));
        CHECK(failing.count() == 1);
        CHECK(*store.eventCount() < accepted.size()); // some wait in the journal
        sink.stop();
        CHECK_FALSE(segmentFiles(IntakeJournal::directoryFor(store.path())).isEmpty());
    }
    EventStore store; // room again
    REQUIRE(store.open(dbPath(dir)).ok());
    JournalledStoreSink sink(store);
    REQUIRE(sink.start().ok());
    CHECK(sink.recoveredCount() > 0);
    CHECK(*store.eventCount() == accepted.size());
    for (const QString &id : std::as_const(accepted))
        if (!store.event(id)->has_value())
            FAIL("accepted event " << id.toStdString() << " was lost");
}

namespace {

// A store in a temporary folder and a started sink over it that counts the events it announces.
struct CountingSink
{
    QTemporaryDir dir;
    EventStore store;
    std::optional<JournalledStoreSink> sink;
    int announced = 0;

    explicit CountingSink(int workerIdleMs)
    {
        REQUIRE(store.open(dbPath(dir)).ok());
        sink.emplace(store);
        sink->setCommittedHandler(
            [this](const QList<NormalizedEvent> &events) { announced += int(events.size()); });
        sink->setWorkerIdleMs(workerIdleMs);
        REQUIRE(sink->start().ok());
    }
};

} // namespace

TEST_CASE("Journalled sink: the ingest worker runs only while deliveries come", "[journal][sink]")
{
    CountingSink counting(100);
    JournalledStoreSink &sink = *counting.sink;
    const int &announced = counting.announced;
    EventStore &store = counting.store;
    CHECK_FALSE(sink.isWorkerRunning()); // waiting for webhooks costs no thread and no connection

    CHECK(*sink.accept(normalized(sampleEvent(1))) == EventSink::Outcome::Stored);
    CHECK(sink.isWorkerRunning());
    REQUIRE(QTest::qWaitFor([&]() { return announced == 1; }, 5000));
    CHECK(QTest::qWaitFor([&]() { return !sink.isWorkerRunning(); }, 5000)); // a quiet spell ends it

    CHECK(*sink.accept(normalized(sampleEvent(2))) == EventSink::Outcome::Stored); // and the next starts it
    REQUIRE(QTest::qWaitFor([&]() { return announced == 2; }, 5000));
    CHECK(*store.eventCount() == 2);
}

#if defined(__GLIBC__)
TEST_CASE("Journalled sink: a quiet spell after a burst gives the burst's freed memory back",
          "[journal][sink]")
{
    if (anonymousResidentKb() < 0) {
        WARN("no /proc/self/smaps_rollup: nothing to measure");
        return;
    }
    CountingSink counting(500);
    JournalledStoreSink &sink = *counting.sink;
    releaseFreeHeap();
    const qint64 before = anonymousResidentKb();

    // A burst of 600 deliveries of ~40 KB: held, journalled, batched and stored, then all freed.
    constexpr int kBurst = 600;
    const QByteArray padding(40 * 1024, 'x');
    for (int n = 0; n < kBurst; ++n) {
        NormalizedEvent event = normalized(sampleEvent(n));
        event.payload.insert(1, "\"padding\":\"" + padding + "\",");
        REQUIRE(*sink.accept(event) == EventSink::Outcome::Stored);
    }
    REQUIRE(QTest::qWaitFor([&]() { return counting.announced == kBurst; }, 20000));
    REQUIRE(QTest::qWaitFor([&]() { return !sink.isWorkerRunning(); }, 5000));
    const qint64 after = anonymousResidentKb();
    CAPTURE(before, after);
    // What stays is the store's page cache and a few buffers, not the burst's 24 MB.
    CHECK(after - before < 8 * 1024);
}
#endif

TEST_CASE(
    "Journalled sink: the window and serve on one data folder — the second stores before answering, and "
    "neither touches the other's journal",
    "[journal][sink]")
{
    QTemporaryDir dir;
    EventStore first;
    EventStore second;
    REQUIRE(first.open(dbPath(dir)).ok());
    REQUIRE(second.open(dbPath(dir)).ok());
    JournalledStoreSink owner(first);
    JournalledStoreSink other(second);
    int announcedByOther = 0;
    other.setCommittedHandler(
        [&](const QList<NormalizedEvent> &events) { announcedByOther += int(events.size()); });
    REQUIRE(owner.start().ok());
    REQUIRE(other.start().ok());
    CHECK_FALSE(owner.storesDirectly());
    CHECK(other.storesDirectly());

    CHECK(*owner.accept(normalized(sampleEvent(1))) == EventSink::Outcome::Stored);
    CHECK(*other.accept(normalized(sampleEvent(2))) == EventSink::Outcome::Stored);
    CHECK(second.event(sampleEvent(2).id)->has_value()); // stored before the answer
    CHECK(*other.accept(normalized(sampleEvent(2))) == EventSink::Outcome::Duplicate);
    REQUIRE(QTest::qWaitFor([&]() { return announcedByOther == 1; }, 5000));
    REQUIRE(QTest::qWaitFor([&]() { return owner.uncommittedCount() == 0; }, 5000));

    other.stop();
    other.start(); // a restart while the owner runs must not take the owner's segment as a leftover
    CHECK(other.storesDirectly());
    CHECK(other.recoveredCount() == 0);
    CHECK(*owner.accept(normalized(sampleEvent(3))) == EventSink::Outcome::Stored);
    owner.stop();
    other.stop();
    CHECK(*first.eventCount() == 3);
    CHECK(segmentFiles(IntakeJournal::directoryFor(first.path())).isEmpty());
}

TEST_CASE(
    "Journalled sink: a leftover the store refuses does not hold back the others, nor the start; the sink "
    "starts again after a stop",
    "[journal][sink]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    Event bad = sampleEvent(1);
    bad.payload = "{not json";
    {
        IntakeJournal journal(IntakeJournal::directoryFor(store.path()));
        REQUIRE(journal.open().ok());
        REQUIRE(journal.append({bad, sampleEvent(2)}).ok());
    }
    JournalledStoreSink sink(store);
    REQUIRE(sink.start().ok());
    CHECK(sink.recoveredCount() == 1);
    CHECK(sink.recoveryError().isEmpty());
    CHECK(store.event(sampleEvent(2).id)->has_value());
    CHECK_FALSE(store.event(bad.id)->has_value());

    int announced = 0;
    sink.setCommittedHandler([&](const QList<NormalizedEvent> &events) { announced += int(events.size()); });
    sink.stop();
    REQUIRE(sink.start().ok());
    CHECK(*sink.accept(normalized(sampleEvent(3))) == EventSink::Outcome::Stored);
    REQUIRE(QTest::qWaitFor([&]() { return announced == 1; }, 5000));
    sink.stop();
    CHECK(*store.eventCount() == 2);
}

TEST_CASE("Event store: the intake's duplicate probe finds a stored copy by id or by dedupe key, and "
          "nothing by an empty key",
          "[journal]")
{
    QTemporaryDir dir;
    EventStore store;
    REQUIRE(store.open(dbPath(dir)).ok());
    Event keyed = sampleEvent(1);
    keyed.dedupeKey = QStringLiteral("push:octo/repo:refs/heads/main:a:b");
    Event unkeyed = sampleEvent(2);
    unkeyed.dedupeKey.clear();
    REQUIRE(store.addEvents({keyed, unkeyed}).ok());

    Event sameId = sampleEvent(3);
    sameId.id = keyed.id;
    sameId.dedupeKey.clear();
    Event sameKey = sampleEvent(4);
    sameKey.dedupeKey = keyed.dedupeKey;
    Event otherKey = sampleEvent(5);
    otherKey.dedupeKey = QStringLiteral("push:octo/repo:refs/heads/main:b:c");
    Event noKey = sampleEvent(6);
    noKey.dedupeKey.clear();
    Event emptyKey = sampleEvent(7);
    emptyKey.dedupeKey = QStringLiteral(""); // empty, not null

    const QList<Event> probed{sameId, sameKey, otherKey, noKey, emptyKey, unkeyed};
    const Result<QList<bool>> held = store.holdCopiesOf(probed);
    REQUIRE(held.ok());
    CHECK(*held == QList<bool>{true, true, false, false, false, true});
    for (qsizetype i = 0; i < probed.size(); ++i) // one at a time, outside a read transaction, the same
        CHECK(*store.holdCopiesOf({probed[i]}) == QList<bool>{held->at(i)});
}
