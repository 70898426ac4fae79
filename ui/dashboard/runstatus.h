#pragma once

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

namespace exeserver {

// What a workflow run, job or step is doing, folded from GitHub's status and conclusion into the states
// the dashboard shows. Each has an icon, a colour and a word, so it reads without colour too.
enum class RunState
{
    Queued,
    Waiting,
    InProgress,
    Success,
    Failure,
    Cancelled,
    Skipped,
    Neutral,
};

inline constexpr int kRunStateCount = 8;

// status: queued, waiting, requested, pending, in_progress, completed; conclusion once completed.
RunState runStateOf(const QString &status, const QString &conclusion);
QString runStateText(RunState state); // "In progress"
// The state's colour for the current colour scheme: GitHub's light colours on a light palette, its lighter
// dark-mode colours on a dark one, so the text keeps its contrast either way.
QColor runStateColor(RunState state);
QColor runStateColor(RunState state, bool dark); // GitHub's colour, for icons and bars
// For text: the state's colour checked against the palette's backgrounds (WCAG AA, see themecolors.h).
QColor runStateColor(RunState state, const QPalette &palette);
QColor runStateColor(RunState state, const QPalette &palette, bool dark);
// Whether the application is drawn dark: on Qt 6.5+ the system's colour scheme (QStyleHints::colorScheme),
// unless the application set a palette of its own; on 6.4, and when the scheme is unknown, the palette.
bool isDarkPalette();
bool isRunning(RunState state); // queued, waiting or in progress: worth refreshing sooner

// Icons drawn with QPainter; in progress has kSpinnerFrames frames (a rotating arc).
inline constexpr int kSpinnerFrames = 12;
QIcon runStateIcon(RunState state, int frame = 0);

} // namespace exeserver
