#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

#include <functional>

class QWidget;

namespace exeserver {

// The one source of colours that carry meaning (success, failure, warning, information, muted text) and of
// the chat's role colours. Each is derived from a palette and checked against its backgrounds, so light,
// dark and high-contrast schemes all read: text colours reach WCAG AA (4.5:1) on Base, AlternateBase and
// Window; a swatch's text reaches it on the swatch's own background.
enum class Tone
{
    Success,
    Failure,
    Warning,
    Info,
    Muted,
};

// A tinted area (banner, chat bubble, proposal card) and the text and border drawn on it.
struct Swatch
{
    QColor background;
    QColor border;
    QColor text;
};

inline constexpr double kMinimumContrast = 4.5; // WCAG AA for normal text

double contrastRatio(const QColor &a, const QColor &b); // WCAG 2 relative luminance, 1..21
// `wanted`, made lighter or darker (whichever the background needs) until it has `ratio` against it.
QColor readableOn(const QColor &wanted, const QColor &background, double ratio = kMinimumContrast);
bool isDark(const QPalette &palette); // drawn light on dark

// Text in the tone, readable on the palette's Base, AlternateBase and Window.
QColor toneText(Tone tone, const QPalette &palette);
QColor toneText(Tone tone); // the application's palette
// Text in the tone on another background (a swatch): readable on it.
QColor toneTextOn(Tone tone, const QColor &background, const QPalette &palette);
QColor toneTextOn(Tone tone, const QColor &background);
// The tone's tint of the palette's Base, with a border and text readable on it.
Swatch toneSwatch(Tone tone, const QPalette &palette);
Swatch toneSwatch(Tone tone);
// Plain areas that stand apart from the window: the assistant's bubbles, cards without a tone.
Swatch neutralSwatch(const QPalette &palette);
Swatch neutralSwatch();

// Style sheet fragments: "color: #rrggbb" and a padded, bordered label or frame in a swatch.
QString toneColorCss(Tone tone);
QString swatchCss(const Swatch &swatch);

// Colours above are read from the application palette when a style sheet is built, so a sheet built once
// keeps the old scheme's colours. These re-run the build when the application palette (or, on Qt 6.5+, the
// system colour scheme) changes, for as long as `widget` lives.
void onPaletteChange(QWidget *widget, std::function<void()> restyle);
// `widget`'s style sheet is `css()`, now and after every palette change; a later call replaces `css`.
void setThemedStyleSheet(QWidget *widget, std::function<QString()> css);

} // namespace exeserver
