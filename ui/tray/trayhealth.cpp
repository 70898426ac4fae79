#include "tray/trayhealth.h"

#include "dashboard/runstatus.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

#include <algorithm>

namespace exeserver {

namespace {

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("CiHealth", text, nullptr, n);
}

QColor badgeColor(CiHealthState state)
{
    switch (state) {
    case CiHealthState::Passing:
        return runStateColor(RunState::Success, false);
    case CiHealthState::Running:
        return runStateColor(RunState::InProgress, false);
    case CiHealthState::Failing:
        return runStateColor(RunState::Failure, false);
    case CiHealthState::Unknown:
        break;
    }
    return QColor(0x6e, 0x77, 0x81); // GitHub's neutral grey
}

void drawBadge(QPainter &painter, const QRectF &box, CiHealthState state)
{
    painter.setPen(QPen(Qt::white, box.width() * 0.08));
    painter.setBrush(badgeColor(state));
    painter.drawEllipse(box);
    const QPointF c = box.center();
    const qreal r = box.width() / 2;
    QPen mark(Qt::white, r * 0.28, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(mark);
    painter.setBrush(Qt::NoBrush);
    switch (state) {
    case CiHealthState::Passing: {
        QPainterPath tick;
        tick.moveTo(c + QPointF(-r * 0.45, 0));
        tick.lineTo(c + QPointF(-r * 0.1, r * 0.35));
        tick.lineTo(c + QPointF(r * 0.45, -r * 0.35));
        painter.drawPath(tick);
        break;
    }
    case CiHealthState::Failing:
        painter.drawLine(c + QPointF(-r * 0.38, -r * 0.38), c + QPointF(r * 0.38, r * 0.38));
        painter.drawLine(c + QPointF(-r * 0.38, r * 0.38), c + QPointF(r * 0.38, -r * 0.38));
        break;
    case CiHealthState::Running:
        painter.drawArc(QRectF(c - QPointF(r * 0.45, r * 0.45), QSizeF(r * 0.9, r * 0.9)), 90 * 16, 270 * 16);
        break;
    case CiHealthState::Unknown: {
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(int(r * 1.3));
        painter.setFont(font);
        painter.drawText(box, Qt::AlignCenter, QStringLiteral("?"));
        break;
    }
    }
}

} // namespace

QString ciHealthText(CiHealthState state)
{
    switch (state) {
    case CiHealthState::Passing:
        return tr("Passing");
    case CiHealthState::Running:
        return tr("Running");
    case CiHealthState::Unknown:
        return tr("Unknown");
    case CiHealthState::Failing:
        return tr("Failing");
    }
    return {};
}

QString WatchedWorkflow::keyOf(const QString &repo, qint64 workflowId)
{
    return QStringLiteral("%1:%2").arg(repo).arg(workflowId);
}

CiHealthState WatchedWorkflow::state() const
{
    if (!latest)
        return CiHealthState::Unknown;
    switch (runStateOf(latest->status, latest->conclusion)) {
    case RunState::Success:
        return CiHealthState::Passing;
    case RunState::Failure:
        return CiHealthState::Failing;
    case RunState::Queued:
    case RunState::Waiting:
    case RunState::InProgress:
        return CiHealthState::Running;
    default:
        return CiHealthState::Unknown;
    }
}

QString WatchedWorkflow::label() const
{
    return QStringLiteral("%1 · %2").arg(repo, name.isEmpty() ? QString::number(workflowId) : name);
}

CiHealthState CiHealth::overall() const
{
    if (workflows.isEmpty())
        return CiHealthState::Unknown;
    CiHealthState worst = CiHealthState::Passing;
    for (const WatchedWorkflow &workflow : workflows)
        worst = std::max(worst, workflow.state());
    return worst;
}

QStringList CiHealth::labelsIn(CiHealthState state) const
{
    QStringList labels;
    for (const WatchedWorkflow &workflow : workflows)
        if (workflow.state() == state)
            labels.append(workflow.label());
    return labels;
}

QString CiHealth::toolTip() const
{
    if (workflows.isEmpty())
        return tr("No workflow watched (choose some in the dashboard's Active workflows menu)");
    QStringList lines{tr("CI: %1").arg(ciHealthText(overall()))};
    const auto section = [&](CiHealthState state, const char *title) {
        const QStringList labels = labelsIn(state);
        if (!labels.isEmpty())
            lines.append(tr(title, int(labels.size())) + QStringLiteral("\n  ") +
                         labels.join(QStringLiteral("\n  ")));
    };
    section(CiHealthState::Failing, "%n failing:");
    section(CiHealthState::Running, "%n running:");
    section(CiHealthState::Unknown, "%n unknown:");
    const int passing = int(labelsIn(CiHealthState::Passing).size());
    if (passing > 0)
        lines.append(tr("%n passing", passing));
    return lines.join(QLatin1Char('\n'));
}

QIcon ciHealthIcon(const QIcon &base, CiHealthState state)
{
    QIcon icon;
    for (const int size : {16, 22, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        base.paint(&painter, QRect(0, 0, size, size));
        const qreal badge = size * 0.6;
        drawBadge(painter, QRectF(size - badge, size - badge, badge, badge).adjusted(0.5, 0.5, -0.5, -0.5),
                  state);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace exeserver

namespace exeserver {

QIcon ciHealthBadge(CiHealthState state)
{
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        drawBadge(painter, QRectF(0.5, 0.5, size - 1, size - 1), state);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace exeserver
