#include "net/httpstream.h"

#include <utility>

namespace exeserver {

void HttpStream::send(const QByteArray &data)
{
    if (m_closed || m_endRequested || data.isEmpty()) // an empty chunk would end the answer
        return;
    if (m_write)
        m_write(data);
    else
        m_pending.append(data);
}

void HttpStream::end()
{
    if (m_closed || m_endRequested)
        return;
    m_endRequested = true;
    if (!m_finish)
        return; // ends as soon as it is attached
    const auto finish = std::exchange(m_finish, {});
    m_write = {};
    close();
    finish();
}

void HttpStream::attach(std::function<void(const QByteArray &)> write, std::function<void()> finish)
{
    m_write = std::move(write);
    m_finish = std::move(finish);
    for (const QByteArray &data : std::exchange(m_pending, {}))
        m_write(data);
    if (m_endRequested) {
        m_endRequested = false;
        end();
    }
}

void HttpStream::detach()
{
    m_write = {};
    m_finish = {};
    close();
}

void HttpStream::close()
{
    if (std::exchange(m_closed, true))
        return;
    if (const auto handler = std::exchange(m_onClosed, {}))
        handler();
}

} // namespace exeserver
