#pragma once

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>

namespace exeserver::fuzz {

// Splits a fuzzer input into fields at a separator line, so one byte string can carry several arguments
// (a path, an operator, a payload) and the seeds stay readable text files.
inline QList<QByteArray> splitFields(const uint8_t *data, size_t size, int count)
{
    static const QByteArray separator("\n--\n");
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<QByteArray> fields;
    qsizetype from = 0;
    while (fields.size() < count - 1) {
        const qsizetype at = input.indexOf(separator, from);
        if (at < 0)
            break;
        fields.append(input.mid(from, at - from));
        from = at + separator.size();
    }
    fields.append(input.mid(from)); // mid() copies: nothing keeps pointing into libFuzzer's buffer
    while (fields.size() < count)
        fields.append(QByteArray());
    return fields;
}

// libFuzzer treats abort() as a crash; this names the broken property in the crash output.
[[noreturn]] void failProperty(const char *what);

} // namespace exeserver::fuzz
