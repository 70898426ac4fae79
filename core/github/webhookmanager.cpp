#include "github/webhookmanager.h"

#include "github/hookregistry.h"

namespace exeserver {

namespace {

Error notOurs(const HookScope &scope, qint64 hookId)
{
    return Error{QStringLiteral("not_ours"),
                 QStringLiteral("Webhook %1 of %2 was not created by ExeServer (or was re-pointed since); "
                                "ExeServer leaves it alone. Change it on github.com.")
                     .arg(hookId)
                     .arg(scope.name)};
}

} // namespace

WebhookManager::WebhookManager(GitHubClient &client, HookRegistry &registry)
    : m_client(client)
    , m_registry(registry)
{
}

void WebhookManager::list(const HookScope &scope, Callback<QList<ManagedHook>> done)
{
    m_client.listHooks(scope, [this, scope, done = std::move(done)](Result<QList<Hook>> hooks) {
        if (!hooks)
            return done(hooks.error());
        QList<ManagedHook> managed;
        for (const Hook &hook : *hooks)
            managed.append({hook, m_registry.isOurs(scope, hook)});
        done(std::move(managed));
    });
}

void WebhookManager::setUp(const HookScope &scope, const HookSpec &spec, Callback<Setup> done)
{
    list(scope, [this, scope, spec, done = std::move(done)](Result<QList<ManagedHook>> hooks) {
        if (!hooks)
            return done(hooks.error());
        const auto remember = [this, scope, done](Result<Hook> hook, bool created) {
            if (!hook)
                return done(hook.error());
            m_registry.record(scope, *hook);
            if (const Status saved = m_registry.save(); !saved)
                return done(Error{saved.error().kind,
                                  QStringLiteral("Webhook %1 is set up, but ExeServer could not remember it "
                                                 "as its own: %2")
                                      .arg(hook->id)
                                      .arg(saved.error().message)});
            done(Setup{*hook, created});
        };
        for (const ManagedHook &existing : *hooks) {
            if (existing.hook.url != spec.url)
                continue;
            if (!existing.ours)
                return done(Error{QStringLiteral("not_ours"),
                                  QStringLiteral("%1 already has a webhook to %2 that ExeServer did not "
                                                 "create (id %3); it is left as it is.")
                                      .arg(scope.name, spec.url)
                                      .arg(existing.hook.id)});
            return m_client.updateHook(scope, existing.hook.id, spec,
                                       [remember](Result<Hook> hook) { remember(std::move(hook), false); });
        }
        m_client.createHook(scope, spec, [remember](Result<Hook> hook) { remember(std::move(hook), true); });
    });
}

void WebhookManager::remove(const HookScope &scope, qint64 hookId, StatusCallback done)
{
    withOwnHook(scope, hookId, [this, scope, hookId, done = std::move(done)](Result<Hook> hook) {
        if (!hook)
            return done(hook.error());
        m_client.deleteHook(scope, hookId, [this, scope, hookId, done](Status deleted) {
            if (!deleted)
                return done(deleted);
            m_registry.forget(scope, hookId);
            done(m_registry.save());
        });
    });
}

void WebhookManager::withOwnHook(const HookScope &scope, qint64 hookId, Callback<Hook> done)
{
    list(scope, [scope, hookId, done = std::move(done)](Result<QList<ManagedHook>> hooks) {
        if (!hooks)
            return done(hooks.error());
        for (const ManagedHook &managed : *hooks) {
            if (managed.hook.id == hookId)
                return managed.ours ? done(managed.hook) : done(notOurs(scope, hookId));
        }
        done(Error{QStringLiteral("not_found"),
                   QStringLiteral("%1 has no webhook %2.").arg(scope.name).arg(hookId)});
    });
}

} // namespace exeserver
