#include "runstatus.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace exeserver {

RunState runStateOf(const QString &status, const QString &conclusion)
{
    if (status == QLatin1String("completed") || (status.isEmpty() && !conclusion.isEmpty())) {
        if (conclusion == QLatin1String("success"))
            return RunState::Success;
        if (conclusion == QLatin1String("failure") || conclusion == QLatin1String("timed_out") ||
            conclusion == QLatin1String("startup_failure") || conclusion == QLatin1String("action_required"))
            return RunState::Failure;
        if (conclusion == QLatin1String("cancelled"))
            return RunState::Cancelled;
        if (conclusion == QLatin1String("skipped"))
            return RunState::Skipped;
        return RunState::Neutral;
    }
    if (status == QLatin1String("in_progress"))
        return RunState::InProgress;
    if (status == QLatin1String("waiting") || status == QLatin1String("pending") ||
        status == QLatin1String("action_required"))
        return RunState::Waiting;
    if (status == QLatin1String("queued") || status == QLatin1String("requested"))
        return RunState::Queued;
    return RunState::Neutral;
}

QString runStateText(RunState state)
{
    switch (state) {
    case RunState::Queued:
        return QStringLiteral("Queued");
    case RunState::Waiting:
        return QStringLiteral("Waiting");
    case RunState::InProgress:
        return QStringLiteral("In progress");
    case RunState::Success:
        return QStringLiteral("Success");
    case RunState::Failure:
        return QStringLiteral("Failure");
    case RunState::Cancelled:
        return QStringLiteral("Cancelled");
    case RunState::Skipped:
        return QStringLiteral("Skipped");
    case RunState::Neutral:
        return QStringLiteral("Neutral");
    }
    return {};
}

QColor runStateColor(RunState state)
{
    switch (state) {
    case RunState::Queued:
        return QColor(0x9a, 0x67, 0x00);
    case RunState::Waiting:
        return QColor(0xbf, 0x87, 0x00);
    case RunState::InProgress:
        return QColor(0x09, 0x69, 0xda);
    case RunState::Success:
        return QColor(0x1a, 0x7f, 0x37);
    case RunState::Failure:
        return QColor(0xcf, 0x22, 0x2e);
    case RunState::Cancelled:
        return QColor(0x57, 0x60, 0x6a);
    case RunState::Skipped:
        return QColor(0x8c, 0x95, 0x9f);
    case RunState::Neutral:
        return QColor(0x6e, 0x77, 0x81);
    }
    return {};
}

bool isRunning(RunState state)
{
    return state == RunState::Queued || state == RunState::Waiting || state == RunState::InProgress;
}

namespace {

// Shapes differ per state (tick, cross, slash, dots, clock, arc) so the icon alone tells them apart.
QPixmap drawIcon(RunState state, int frame, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor color = runStateColor(state);
    const qreal s = size;
    const QRectF circle(s * 0.08, s * 0.08, s * 0.84, s * 0.84);
    QPen pen(color, s * 0.11, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);

    switch (state) {
    case RunState::Success:
    case RunState::Failure: {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(circle);
        QPen mark(Qt::white, s * 0.12, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(mark);
        if (state == RunState::Success) {
            QPainterPath tick;
            tick.moveTo(s * 0.30, s * 0.52);
            tick.lineTo(s * 0.44, s * 0.66);
            tick.lineTo(s * 0.71, s * 0.36);
            p.setBrush(Qt::NoBrush);
            p.drawPath(tick);
        } else {
            p.drawLine(QPointF(s * 0.34, s * 0.34), QPointF(s * 0.66, s * 0.66));
            p.drawLine(QPointF(s * 0.66, s * 0.34), QPointF(s * 0.34, s * 0.66));
        }
        break;
    }
    case RunState::Cancelled:
        p.setPen(pen);
        p.drawEllipse(circle.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05));
        p.drawLine(QPointF(s * 0.30, s * 0.70), QPointF(s * 0.70, s * 0.30));
        break;
    case RunState::Skipped:
        p.setPen(pen);
        p.drawEllipse(circle.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05));
        p.drawLine(QPointF(s * 0.32, s * 0.5), QPointF(s * 0.68, s * 0.5));
        break;
    case RunState::Neutral:
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRoundedRect(circle.adjusted(s * 0.12, s * 0.12, -s * 0.12, -s * 0.12), s * 0.1, s * 0.1);
        break;
    case RunState::Queued: {
        p.setPen(pen);
        p.drawEllipse(circle.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05));
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        const qreal r = s * 0.07;
        for (int i = 0; i < 3; ++i)
            p.drawEllipse(QPointF(s * (0.32 + 0.18 * i), s * 0.5), r, r);
        break;
    }
    case RunState::Waiting:
        p.setPen(pen);
        p.drawEllipse(circle.adjusted(s * 0.05, s * 0.05, -s * 0.05, -s * 0.05));
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.5, s * 0.28));
        p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.66, s * 0.6));
        break;
    case RunState::InProgress: {
        QPen faint(color.lighter(170), s * 0.12, Qt::SolidLine, Qt::RoundCap);
        const QRectF ring = circle.adjusted(s * 0.06, s * 0.06, -s * 0.06, -s * 0.06);
        p.setPen(faint);
        p.drawEllipse(ring);
        pen.setWidthF(s * 0.12);
        p.setPen(pen);
        const int start = 90 * 16 - (frame % kSpinnerFrames) * (360 * 16 / kSpinnerFrames);
        p.drawArc(ring, start, -120 * 16);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(QPointF(s * 0.5, s * 0.5), s * 0.1, s * 0.1);
        break;
    }
    }
    return pixmap;
}

} // namespace

QIcon runStateIcon(RunState state, int frame)
{
    static QHash<int, QIcon> cache;
    if (state != RunState::InProgress)
        frame = 0;
    frame %= kSpinnerFrames;
    const int key = int(state) * kSpinnerFrames + frame;
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    QIcon icon;
    for (int size : {16, 24, 32, 48})
        icon.addPixmap(drawIcon(state, frame, size));
    cache.insert(key, icon);
    return icon;
}

} // namespace exeserver
