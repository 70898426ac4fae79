#include "config/webhooksecret.h"

#include "config/secretstore.h"
#include "config/settings.h"

#include <QRandomGenerator>

namespace exeserver {

void ensureWebhookSecret(Settings &settings, SecretStore &secrets, std::function<void(Result<QString>)> done)
{
    if (const QString existing = settings.get(setting::WebhookSecret); !existing.isEmpty())
        return done(existing);
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / qsizetype(sizeof(quint32)));
    const QString secret = QString::fromLatin1(bytes.toHex());
    secrets.store(setting::WebhookSecret, secret, [&settings, secret, done = std::move(done)](Status stored) {
        if (!stored)
            return done(
                Error{QStringLiteral("no_keychain"),
                      QStringLiteral("No webhook secret could be kept (%1). Set GITHUB_WEBHOOK_SECRET "
                                     "and try again.")
                          .arg(stored.error().message)});
        settings.provideSecret(setting::WebhookSecret, secret, SettingSource::Keychain);
        done(secret);
    });
}

} // namespace exeserver
