#include "welcomepage.h"

#include "config/secretredactor.h"
#include "config/settings.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace exeserver {

WelcomePage::WelcomePage(const Settings &settings, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
{
    auto *title = new QLabel(tr("Connect ExeServer to GitHub"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);

    auto *explanation = new QLabel(this);
    explanation->setWordWrap(true);
    explanation->setMaximumWidth(760);
    explanation->setTextFormat(Qt::RichText);
    explanation->setOpenExternalLinks(true);
    explanation->setText(
        tr("<p>ExeServer needs a GitHub token to read your repositories and workflows and to act on them.</p>"
           "<p><b>Fine-grained token</b> (recommended), with access to the repositories you want to automate:"
           "<ul><li>Actions: read and write</li><li>Contents: read</li><li>Pull requests: read and write</li>"
           "<li>Metadata: read</li></ul></p>"
           "<p><b>Classic token</b>: scopes <code>repo</code> and <code>workflow</code>.</p>"
           "<p>ExeServer looks for the token in this order: the <code>GITHUB_TOKEN</code> or "
           "<code>GH_TOKEN</code> environment variable, the operating system's keychain "
           "(<code>exeserver-cli config set-secret github.token</code>), then the GitHub CLI's login "
           "(<code>gh auth login</code>). The token is never written to the settings file or the logs.</p>"));
    m_pasteHint =
        new QLabel(tr("Or paste one into Settings: it is kept in the keychain and the dashboard opens "
                      "at once."),
                   this);
    m_pasteHint->setWordWrap(true);
    m_pasteHint->setMaximumWidth(760);

    m_state = new QLabel(this);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setAccessibleName(tr("Connection state"));

    m_enterToken = new QPushButton(tr("&Enter a token…"), this);
    m_enterToken->setObjectName(QStringLiteral("enterToken"));
    m_enterToken->setAccessibleName(tr("Open Settings to enter a GitHub token"));
    m_enterToken->setEnabled(false); // until the window can open Settings
    connect(m_enterToken, &QPushButton::clicked, this, &WelcomePage::settingsRequested);

    // The text scrolls when a dock leaves the page little height (the logs and triggers work without a
    // token).
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setSpacing(12);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addWidget(m_pasteHint);
    m_keychain = new QLabel(body);
    m_keychain->setObjectName(QStringLiteral("keychainNote"));
    m_keychain->setWordWrap(true);
    m_keychain->setMaximumWidth(760);
    m_keychain->setTextFormat(Qt::RichText);
    m_keychain->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keychain->setAccessibleName(tr("Keychain"));
    m_keychain->hide();
    layout->addWidget(m_keychain);
    layout->addWidget(m_enterToken, 0, Qt::AlignLeft);
    layout->addWidget(m_state);
    layout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(body);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    refresh();
}

void WelcomePage::refresh()
{
    const SettingValue token = m_settings.value(setting::GitHubToken);
    const QString api = m_settings.gitHubApiUrl().toString();
    QString tokenLine =
        token.value.isEmpty()
            ? tr("<b>No token found yet.</b>")
            : tr("<b>Token found</b> (%1, from %2).")
                  .arg(SecretRedactor::mask(token.value).toHtmlEscaped(),
                       (token.origin.isEmpty() ? toString(token.source) : token.origin).toHtmlEscaped());
    m_state->setText(tr("<p>%1</p><p>GitHub API: <code>%2</code><br>Data folder: <code>%3</code></p>")
                         .arg(tokenLine, api.toHtmlEscaped(),
                              QDir::toNativeSeparators(m_settings.dataDir()).toHtmlEscaped()));
}

void WelcomePage::setSettingsAvailable(bool available)
{
    m_enterToken->setEnabled(available);
}

void WelcomePage::setKeychainAvailable(bool available, const QString &reason)
{
    m_keychain->setVisible(!available);
    m_pasteHint->setVisible(available); // it would contradict the note
    if (available)
        return m_keychain->clear();
    m_keychain->setText(
        tr("<p><b>No keychain on this system</b>%1, so a token typed into Settings cannot be kept. Set it in "
           "the environment and start ExeServer again:<br><code>export GITHUB_TOKEN=ghp_…</code><br>or log "
           "in with the GitHub CLI (<code>gh auth login</code>).</p>")
            .arg(reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason.toHtmlEscaped())));
}

QString WelcomePage::keychainText() const
{
    return m_keychain->isHidden() ? QString() : m_keychain->text();
}

QString WelcomePage::stateText() const
{
    return m_state->text();
}

} // namespace exeserver
