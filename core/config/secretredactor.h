#pragma once

#include <QString>

namespace exeserver {

// Process-wide list of secret values that must never be written anywhere. The log handler and error
// formatting pass text through redact(), which replaces each known secret with "***". Thread-safe.
class SecretRedactor
{
public:
    static void add(const QString &secret);
    static void remove(const QString &secret);
    static void clear();
    static QString redact(QString text);

    // "…abcd": the last four characters, as `config show` prints secrets.
    static QString mask(const QString &secret);
};

} // namespace exeserver
