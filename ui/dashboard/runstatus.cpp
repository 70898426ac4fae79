#include "dashboard/runstatus.h"

#include "widgets/themecolors.h"

#include <QApplication>
#include <QEvent>
#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>
#include <QPointer>
#include <QStyle>
#include <QStyleHints>
#include <QStyleOption>

#include <algorithm>

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

bool isDarkPalette()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // The system's scheme, unless the application set its own palette (which is then what is drawn on).
    if (!QCoreApplication::testAttribute(Qt::AA_SetPalette)) {
        const Qt::ColorScheme scheme = QGuiApplication::styleHints()->colorScheme();
        if (scheme != Qt::ColorScheme::Unknown)
            return scheme == Qt::ColorScheme::Dark;
    }
#endif
    const QPalette palette = QGuiApplication::palette();
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

namespace {

// isDarkPalette() copies the application palette; the tables ask for a colour per cell and repaint, so the
// colours are kept until the application's palette (or, on Qt 6.5+, the colour scheme) changes.
class StateColorCache : public QObject
{
public:
    explicit StateColorCache(QObject *app)
        : QObject(app)
    {
        app->installEventFilter(this);
    }
    QColor color(RunState state)
    {
        update();
        return m_colors[int(state)];
    }
    bool dark()
    {
        update();
        return m_dark;
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::ThemeChange)
            m_known = false;
        return QObject::eventFilter(watched, event);
    }

private:
    void update()
    {
        if (m_known)
            return;
        m_dark = isDarkPalette();
        const QPalette palette = QGuiApplication::palette();
        for (int i = 0; i < kRunStateCount; ++i)
            m_colors[i] = runStateColor(RunState(i), palette, m_dark);
        m_known = true;
    }

    bool m_known = false;
    bool m_dark = false;
    QColor m_colors[kRunStateCount];
};

StateColorCache *stateColorCache()
{
    static QPointer<StateColorCache> cache;
    if (!cache && QCoreApplication::instance())
        cache = new StateColorCache(QCoreApplication::instance()); // deleted with the application
    return cache;
}

bool cachedDarkPalette()
{
    StateColorCache *cache = stateColorCache();
    return cache ? cache->dark() : isDarkPalette();
}

} // namespace

QColor runStateColor(RunState state)
{
    StateColorCache *cache = stateColorCache();
    return cache ? cache->color(state) : runStateColor(state, QGuiApplication::palette(), isDarkPalette());
}

QColor runStateColor(RunState state, const QPalette &palette, bool dark)
{
    // Text on the views' backgrounds: GitHub's colour where it reads, darker or lighter where it does not
    // (its light-theme yellow and grey are below 4.5:1 on white).
    const QColor color = runStateColor(state, dark);
    QColor text = color;
    for (const QPalette::ColorRole role : {QPalette::Base, QPalette::AlternateBase, QPalette::Window})
        text = readableOn(text, palette.color(role), kMinimumContrast + 0.05);
    return text;
}

QColor runStateColor(RunState state, const QPalette &palette)
{
    return runStateColor(state, palette, isDark(palette));
}

QColor runStateColor(RunState state, bool dark)
{
    if (dark) {
        // GitHub's dark-mode colours: light enough for text on a dark background.
        switch (state) {
        case RunState::Queued:
            return QColor(0xd2, 0x99, 0x22);
        case RunState::Waiting:
            return QColor(0xe3, 0xb3, 0x41);
        case RunState::InProgress:
            return QColor(0x58, 0xa6, 0xff);
        case RunState::Success:
            return QColor(0x3f, 0xb9, 0x50);
        case RunState::Failure:
            return QColor(0xf8, 0x51, 0x49);
        case RunState::Cancelled:
            return QColor(0x9d, 0xa7, 0xb3);
        case RunState::Skipped:
            return QColor(0x8b, 0x94, 0x9e);
        case RunState::Neutral:
            return QColor(0xb1, 0xba, 0xc4);
        }
    }

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
QPixmap drawIcon(RunState state, int frame, int size, bool dark)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor color = runStateColor(state, dark);
    const qreal s = size;
    const QRectF circle(s * 0.08, s * 0.08, s * 0.84, s * 0.84);
    QPen pen(color, s * 0.11, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);

    switch (state) {
    case RunState::Success:
    case RunState::Failure: {
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(circle);
        // The mark takes the background's side, so it stands out of the filled circle in both schemes.
        QPen mark(dark ? QColor(0x0d, 0x11, 0x17) : QColor(Qt::white), s * 0.12, Qt::SolidLine, Qt::RoundCap,
                  Qt::RoundJoin);
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

namespace {

// Draws a size when it is first asked for: the tables use 16 px, a combo box perhaps another, and the
// start does not draw four sizes of every state and spinner frame before the first frame.
class RunStateIconEngine : public QIconEngine
{
public:
    RunStateIconEngine(RunState state, int frame, bool dark)
        : m_state(state)
        , m_frame(frame)
        , m_dark(dark)
    {
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State) override
    {
        const int side = std::max(1, std::min(size.width(), size.height()));
        QPixmap &drawn = m_pixmaps[side];
        if (drawn.isNull())
            drawn = drawIcon(m_state, m_frame, side, m_dark);
        if (mode == QIcon::Disabled) {
            QStyleOption option;
            option.palette = QGuiApplication::palette();
            return QApplication::style()->generatedIconPixmap(mode, drawn, &option);
        }
        return drawn;
    }
    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override
    {
        painter->drawPixmap(rect, pixmap(rect.size(), mode, state));
    }
    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override
    {
        const int side = std::min(size.width(), size.height());
        return QSize(side, side);
    }
    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        return {QSize(16, 16), QSize(24, 24), QSize(32, 32), QSize(48, 48)};
    }
    QIconEngine *clone() const override { return new RunStateIconEngine(*this); }
    QString key() const override { return QStringLiteral("exeserver-run-state"); }

private:
    RunState m_state;
    int m_frame;
    bool m_dark;
    QHash<int, QPixmap> m_pixmaps;
};

} // namespace

QIcon runStateIcon(RunState state, int frame)
{
    static QHash<int, QIcon> cache;
    if (state != RunState::InProgress)
        frame = 0;
    frame %= kSpinnerFrames;
    const bool dark = cachedDarkPalette();
    const int key = (int(state) * kSpinnerFrames + frame) * 2 + (dark ? 1 : 0);
    auto it = cache.constFind(key);
    if (it != cache.constEnd())
        return *it;
    const QIcon icon(new RunStateIconEngine(state, frame, dark));
    cache.insert(key, icon);
    return icon;
}

} // namespace exeserver
