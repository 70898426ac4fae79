#include "api/apitoken.h"

#include "config/secretstore.h"
#include "config/settings.h"

#include <QRandomGenerator>

namespace exeserver::apitoken {

QString generate()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / qsizetype(sizeof(quint32)));
    return QStringLiteral("exs_") + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding |
                                                                       QByteArray::OmitTrailingEquals));
}

bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    // Length is not secret (every token has the same), but the loop still runs over the longer input.
    const qsizetype length = std::max(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a.at(i)) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b.at(i)) : 0;
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

bool authorizes(const QByteArray &authorizationHeader, const QString &expected)
{
    static const QByteArray scheme = "bearer ";
    if (expected.isEmpty() || authorizationHeader.size() <= scheme.size() ||
        authorizationHeader.left(scheme.size()).toLower() != scheme)
        return false;
    return equalInConstantTime(authorizationHeader.mid(scheme.size()).trimmed(), expected.toUtf8());
}

namespace {

void storeNew(Settings &settings, SecretStore &secrets, std::function<void(Result<QString>)> done)
{
    const QString token = generate();
    secrets.store(setting::ApiToken, token, [&settings, token, done = std::move(done)](Status stored) {
        if (!stored)
            return done(Error{QStringLiteral("no_keychain"),
                              QStringLiteral("No API token could be kept (%1). Set EXESERVER_API_TOKEN to a "
                                             "long random value and try again.")
                                  .arg(stored.error().message)});
        settings.provideSecret(setting::ApiToken, token, SettingSource::Keychain);
        done(token);
    });
}

} // namespace

void ensure(Settings &settings, SecretStore &secrets, std::function<void(Result<QString>, bool created)> done)
{
    if (const QString existing = settings.get(setting::ApiToken); !existing.isEmpty())
        return done(existing, false);
    storeNew(settings, secrets,
             [done = std::move(done)](Result<QString> token) { done(token, bool(token)); });
}

void rotate(Settings &settings, SecretStore &secrets, std::function<void(Result<QString>)> done)
{
    if (settings.value(setting::ApiToken).source == SettingSource::Environment)
        return done(Error{QStringLiteral("from_environment"),
                          QStringLiteral("The API token comes from EXESERVER_API_TOKEN; change that "
                                         "variable instead (the keychain's token would not be used).")});
    storeNew(settings, secrets, std::move(done));
}

} // namespace exeserver::apitoken
