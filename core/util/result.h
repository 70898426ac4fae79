#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace exeserver {

// An error a user can act on: a sentence to show, plus a machine-readable kind for callers that branch.
struct Error
{
    QString kind;    // short stable identifier, e.g. "unauthorized", "not_found", "io"
    QString message; // full sentence for people; never contains a secret
    int httpStatus = 0;
};

// Errors are values (std::expected is C++23; this is the small subset we need on C++20).
template <typename T>
class Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but can fail.
struct Done
{
};
using Status = Result<Done>;

inline Status success()
{
    return Done{};
}

} // namespace exeserver
