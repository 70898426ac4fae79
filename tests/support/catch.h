#pragma once

// Catch2 2.13 (Debian 12) and Catch2 3 (newer distributions, Homebrew, vcpkg) spell their headers
// differently; tests include this one header and work with both.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <QByteArray>
#include <QString>

#include <ostream>

// Let Catch print Qt strings in failure messages.
inline std::ostream &operator<<(std::ostream &os, const QString &value)
{
    return os << '"' << value.toStdString() << '"';
}
inline std::ostream &operator<<(std::ostream &os, const QByteArray &value)
{
    return os << '"' << value.toStdString() << '"';
}
