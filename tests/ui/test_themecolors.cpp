#include "catch.h"
#include "palettes.h"
#include "testutil.h"

#include "runstatus.h"
#include "themecolors.h"

#include <cmath>

using namespace exeserver;

namespace {

struct NamedPalette {
  const char *name;
  QPalette palette;
};

QList<NamedPalette> palettes() {
  return {{"light", test::lightPalette()}, {"dark", test::darkPalette()}};
}

const QList<QPair<const char *, Tone>> kTones{{"success", Tone::Success},
                                              {"failure", Tone::Failure},
                                              {"warning", Tone::Warning},
                                              {"info", Tone::Info},
                                              {"muted", Tone::Muted}};

} // namespace

TEST_CASE("contrast ratio follows WCAG 2", "[ui][colors]") {
  CHECK(std::abs(contrastRatio(Qt::black, Qt::white) - 21.0) < 1e-6);
  CHECK(std::abs(contrastRatio(Qt::white, Qt::white) - 1.0) < 1e-6);
  // GitHub's light-theme yellow is below AA on white; made readable it keeps
  // its hue, only darker.
  const QColor yellow(0xbf, 0x87, 0x00);
  CHECK(contrastRatio(yellow, Qt::white) < 4.5);
  const QColor readable = readableOn(yellow, Qt::white);
  CHECK(contrastRatio(readable, Qt::white) >= 4.5);
  CHECK(readable.lightness() < yellow.lightness());
  CHECK(std::abs(readable.hsvHue() - yellow.hsvHue()) <= 3);
}

TEST_CASE("status and role colours reach WCAG AA on a light and a dark palette",
          "[ui][colors]") {
  for (const NamedPalette &named : palettes()) {
    const QPalette &p = named.palette;
    INFO("palette " << named.name);
    for (const auto &[toneName, tone] : kTones) {
      INFO("tone " << toneName);
      const QColor text = toneText(tone, p);
      for (const QPalette::ColorRole role :
           {QPalette::Base, QPalette::AlternateBase, QPalette::Window})
        CHECK(contrastRatio(text, p.color(role)) >= kMinimumContrast);
      const Swatch swatch = toneSwatch(tone, p);
      CHECK(contrastRatio(swatch.text, swatch.background) >= kMinimumContrast);
      CHECK(contrastRatio(toneTextOn(Tone::Muted, swatch.background, p),
                          swatch.background) >= kMinimumContrast);
      CHECK(contrastRatio(toneTextOn(tone, swatch.background, p),
                          swatch.background) >= kMinimumContrast);
      // A tint of the palette's own base: dark on a dark palette, light on a
      // light one.
      CHECK(isDark(p) == (swatch.background.lightness() < 128));
    }
    const Swatch neutral = neutralSwatch(p);
    CHECK(contrastRatio(neutral.text, neutral.background) >= kMinimumContrast);
    for (int s = 0; s < kRunStateCount; ++s) {
      INFO("run state " << runStateText(RunState(s)).toStdString());
      const QColor color = runStateColor(RunState(s), p);
      for (const QPalette::ColorRole role :
           {QPalette::Base, QPalette::AlternateBase})
        CHECK(contrastRatio(color, p.color(role)) >= kMinimumContrast);
    }
    // Pass and fail differ from each other and from plain text.
    CHECK(toneText(Tone::Success, p) != toneText(Tone::Failure, p));
  }
}
