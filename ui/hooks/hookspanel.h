#pragma once

#include "github/githubclient.h"
#include "github/hookregistry.h"
#include "github/webhookmanager.h"
#include "host/hooksetup.h"

#include <QWidget>

#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QNetworkAccessManager;
class QPushButton;
class QTreeWidget;

namespace exeserver {

class EventStore;
class SecretStore;
class Settings;

// The webhooks of a repository as GitHub has them: active, events, target, last response, and the
// selected hook's recent deliveries with their status codes. "Set up webhook" is HookSetup's one step
// (relay channel, secret in the keychain, the enabled triggers' events); "New channel" asks the relay
// service for a channel of one's own. Ping and redeliver work on any hook; Remove only on ExeServer's own
// (HookRegistry), so it is disabled for the others. Every call is asynchronous; the status line says
// what happened or why not (a 403 names the permission).
class HooksPanel : public QWidget
{
    Q_OBJECT
public:
    struct Services
    {
        Settings &settings;
        SecretStore &secrets;
        QNetworkAccessManager &network;
        GitHubClient &client;
        EventStore *store = nullptr; // the triggers whose events a new hook subscribes
        // After a hook was set up or a channel created: the running host picks up the secret and channel.
        std::function<void()> settingsChanged = {};
    };

    // Everything in `services` must outlive the panel.
    explicit HooksPanel(Services services, QWidget *parent = nullptr);
    ~HooksPanel() override;

    void setRepositories(const QStringList &repositories);
    void setRepository(const QString &repository); // chosen (and offered) in the box
    QString repository() const;
    QString status() const;
    QTreeWidget *hooksView() const { return m_hooks; }
    QTreeWidget *deliveriesView() const { return m_deliveries; }
    bool isBusy() const { return m_pending > 0; }

public Q_SLOTS:
    void refresh();
    void setUpWebhook();
    void newChannel();
    void pingSelected();
    void redeliverSelected();
    void removeSelected();

Q_SIGNALS:
    void refreshed();
    void finished(const QString &status); // after every action, with the status line's text

private:
    HookScope scope() const;
    const ManagedHook *selectedHook() const;
    void showHooks(const QList<ManagedHook> &hooks);
    void loadDeliveries();
    void updateButtons();
    void report(const QString &text, bool refreshAfter = false);
    void begin();

    Services m_services;
    HookRegistry m_registry;
    WebhookManager m_manager;
    HookSetup m_setup;
    QList<ManagedHook> m_current;
    int m_pending = 0;

    QComboBox *m_repository;
    QTreeWidget *m_hooks;
    QTreeWidget *m_deliveries;
    QPushButton *m_refresh;
    QPushButton *m_setUp;
    QPushButton *m_newChannel;
    QPushButton *m_ping;
    QPushButton *m_redeliver;
    QPushButton *m_remove;
    QLabel *m_status;
};

} // namespace exeserver
