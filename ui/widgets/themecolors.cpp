#include "widgets/themecolors.h"

#include <QEvent>
#include <QGuiApplication>
#include <QStyleHints>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace exeserver {

namespace {

double channel(double value)
{
    return value <= 0.04045 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &color)
{
    const QColor rgb = color.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

QColor mix(const QColor &base, const QColor &tint, double amount)
{
    const QColor a = base.toRgb();
    const QColor b = tint.toRgb();
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * amount),
                            float(a.greenF() + (b.greenF() - a.greenF()) * amount),
                            float(a.blueF() + (b.blueF() - a.blueF()) * amount));
}

// GitHub's colours for each tone: the light theme's on a light palette, the dark theme's on a dark one.
QColor hue(Tone tone, bool dark)
{
    switch (tone) {
    case Tone::Success:
        return dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    case Tone::Failure:
        return dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    case Tone::Warning:
        return dark ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00);
    case Tone::Info:
        return dark ? QColor(0x58, 0xa6, 0xff) : QColor(0x09, 0x69, 0xda);
    case Tone::Muted:
        return dark ? QColor(0x8b, 0x94, 0x9e) : QColor(0x57, 0x60, 0x6a);
    }
    return {};
}

// What the derived colours depend on: the application palette and, where Qt knows it, the system scheme.
qint64 themeKey()
{
    qint64 key = QGuiApplication::palette().cacheKey();
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    key = key * 4 + qint64(QGuiApplication::styleHints()->colorScheme());
#endif
    return key;
}

// Re-runs a widget's colour set-up after the theme changed. Palette events also come for reasons other
// than the theme (a style sheet set on the widget); the theme key lets those pass without a rebuild.
class ThemeFollower : public QObject
{
public:
    ThemeFollower(QWidget *widget, std::function<void()> restyle)
        : QObject(widget)
        , m_restyle(std::move(restyle))
        , m_key(themeKey())
    {
        widget->installEventFilter(this);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
        connect(QGuiApplication::styleHints(), &QStyleHints::colorSchemeChanged, this,
                [this]() { follow(); });
#endif
    }

    void replace(std::function<void()> restyle)
    {
        m_restyle = std::move(restyle);
        m_key = themeKey();
        m_restyle();
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == parent() &&
            (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange))
            follow();
        return false;
    }

private:
    // Later, not inside the event: Qt sends the palette event to a list of every widget it took before,
    // and a restyle may delete and rebuild widgets on that list.
    void follow()
    {
        if (m_pending || themeKey() == m_key)
            return;
        m_pending = true;
        QTimer::singleShot(0, this, [this]() {
            m_pending = false;
            const qint64 key = themeKey();
            if (key == m_key)
                return;
            m_key = key;
            m_restyle();
        });
    }

    std::function<void()> m_restyle;
    qint64 m_key;
    bool m_pending = false;
};

// Readable on every background in `backgrounds`: adjusted against the one it reads worst on until all pass.
QColor readableOnAll(QColor color, std::initializer_list<QColor> backgrounds)
{
    for (int round = 0; round < 4; ++round) {
        const QColor *worst = nullptr;
        for (const QColor &background : backgrounds) {
            if (!worst || contrastRatio(color, background) < contrastRatio(color, *worst))
                worst = &background;
        }
        if (!worst || contrastRatio(color, *worst) >= kMinimumContrast)
            break;
        color = readableOn(color, *worst, kMinimumContrast + 0.05 * (round + 1));
    }
    return color;
}

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readableOn(const QColor &wanted, const QColor &background, double ratio)
{
    if (contrastRatio(wanted, background) >= ratio)
        return wanted;
    // Towards black on a light background, towards white on a dark one, keeping the hue as long as it can.
    const bool darken = luminance(background) > 0.18;
    const QColor end = darken ? QColor(Qt::black) : QColor(Qt::white);
    for (int step = 1; step <= 20; ++step) {
        const QColor candidate = mix(wanted, end, step / 20.0);
        if (contrastRatio(candidate, background) >= ratio)
            return candidate;
    }
    return end;
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

QColor toneText(Tone tone, const QPalette &palette)
{
    return readableOnAll(hue(tone, isDark(palette)),
                         {palette.color(QPalette::Base), palette.color(QPalette::AlternateBase),
                          palette.color(QPalette::Window)});
}

QColor toneText(Tone tone)
{
    return toneText(tone, QGuiApplication::palette());
}

QColor toneTextOn(Tone tone, const QColor &background, const QPalette &palette)
{
    return readableOnAll(hue(tone, isDark(palette)), {background});
}

QColor toneTextOn(Tone tone, const QColor &background)
{
    return toneTextOn(tone, background, QGuiApplication::palette());
}

Swatch toneSwatch(Tone tone, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor color = hue(tone, isDark(palette));
    Swatch swatch;
    swatch.background = mix(base, color, isDark(palette) ? 0.18 : 0.10);
    swatch.border = mix(base, color, 0.6);
    swatch.text = readableOnAll(palette.color(QPalette::Text), {swatch.background});
    return swatch;
}

Swatch toneSwatch(Tone tone)
{
    return toneSwatch(tone, QGuiApplication::palette());
}

Swatch neutralSwatch(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    Swatch swatch;
    swatch.background = mix(base, text, 0.04);
    swatch.border = mix(base, text, 0.2);
    swatch.text = readableOnAll(text, {swatch.background});
    return swatch;
}

Swatch neutralSwatch()
{
    return neutralSwatch(QGuiApplication::palette());
}

QString toneColorCss(Tone tone)
{
    return QStringLiteral("color: %1;").arg(toneText(tone).name());
}

void onPaletteChange(QWidget *widget, std::function<void()> restyle)
{
    new ThemeFollower(widget, std::move(restyle));
}

void setThemedStyleSheet(QWidget *widget, std::function<QString()> css)
{
    auto restyle = [widget, css = std::move(css)]() {
        const QString sheet = css();
        if (widget->styleSheet() != sheet)
            widget->setStyleSheet(sheet);
    };
    // One follower per widget: the latest sheet replaces the one before.
    for (QObject *child : widget->children()) {
        if (auto *follower = dynamic_cast<ThemeFollower *>(child);
            follower && child->objectName() == u"sheet") {
            follower->replace(std::move(restyle));
            return;
        }
    }
    auto *follower = new ThemeFollower(widget, restyle);
    follower->setObjectName(QStringLiteral("sheet"));
    restyle();
}

QString swatchCss(const Swatch &swatch)
{
    return QStringLiteral(
               "background: %1; color: %2; border: 1px solid %3; border-radius: 4px; padding: 6px;")
        .arg(swatch.background.name(), swatch.text.name(), swatch.border.name());
}

} // namespace exeserver
