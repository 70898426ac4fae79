#include "config/secretstore.h"

#include "config/logging.h"
#include "config/secretredactor.h"
#include "exeserver/version.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

namespace exeserver {

namespace {

const QString kKeychainService = QStringLiteral("ExeServer");

bool isUnavailableError(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError || error == QKeychain::AccessDeniedByUser ||
           error == QKeychain::AccessDenied;
}

class KeychainBackend final : public SecretBackend
{
public:
    QString name() const override { return QStringLiteral("OS keychain"); }

    void read(const QString &key, ReadCallback done) override
    {
        auto *job = new QKeychain::ReadPasswordJob(kKeychainService);
        job->setAutoDelete(true);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [done = std::move(done)](QKeychain::Job *finished) {
                             auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
                             if (finished->error() == QKeychain::NoError)
                                 done({ReadOutcome::Found, readJob->textData(), {}});
                             else if (finished->error() == QKeychain::EntryNotFound)
                                 done({ReadOutcome::NotFound, {}, {}});
                             else
                                 done({ReadOutcome::Unavailable, {}, finished->errorString()});
                         });
        job->start();
    }

    void write(const QString &key, const QString &value, WriteCallback done) override
    {
        auto *job = new QKeychain::WritePasswordJob(kKeychainService);
        job->setAutoDelete(true);
        job->setKey(key);
        job->setTextData(value);
        connectWriteJob(job, std::move(done));
        job->start();
    }

    void remove(const QString &key, WriteCallback done) override
    {
        auto *job = new QKeychain::DeletePasswordJob(kKeychainService);
        job->setAutoDelete(true);
        job->setKey(key);
        connectWriteJob(job, std::move(done));
        job->start();
    }

private:
    static void connectWriteJob(QKeychain::Job *job, WriteCallback done)
    {
        QObject::connect(
            job, &QKeychain::Job::finished, job, [done = std::move(done)](QKeychain::Job *finished) {
                if (finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound)
                    done(success());
                else
                    done(Error{isUnavailableError(finished->error()) ? QStringLiteral("keychain_unavailable")
                                                                     : QStringLiteral("keychain_error"),
                               QStringLiteral("The OS keychain refused: %1").arg(finished->errorString())});
            });
    }
};

} // namespace

void MemorySecretBackend::read(const QString &key, ReadCallback done)
{
    if (!m_available)
        return done({ReadOutcome::Unavailable, {}, QStringLiteral("no keychain on this machine")});
    if (const auto it = m_values.constFind(key); it != m_values.constEnd())
        return done({ReadOutcome::Found, *it, {}});
    done({ReadOutcome::NotFound, {}, {}});
}

void MemorySecretBackend::write(const QString &key, const QString &value, WriteCallback done)
{
    if (!m_available)
        return done(
            Error{QStringLiteral("keychain_unavailable"), QStringLiteral("no keychain on this machine")});
    m_values.insert(key, value);
    done(success());
}

void MemorySecretBackend::remove(const QString &key, WriteCallback done)
{
    m_values.remove(key);
    done(success());
}

SecretStore::SecretStore(std::unique_ptr<SecretBackend> backend, QObject *parent)
    : QObject(parent)
    , m_backend(std::move(backend))
{
}

SecretStore::~SecretStore() = default;

std::unique_ptr<SecretBackend> SecretStore::systemBackend()
{
    if (qEnvironmentVariableIsSet("EXESERVER_NO_KEYCHAIN"))
        return std::make_unique<MemorySecretBackend>(false);
    return std::make_unique<KeychainBackend>();
}

void SecretStore::noteUnavailable(const QString &message)
{
    if (!m_available)
        return; // said once
    m_available = false;
    m_unavailableReason = message;
    qCWarning(lcConfig).noquote()
        << QStringLiteral("No keychain available (%1); secrets come from the environment.").arg(message);
    Q_EMIT backendUnavailable(message);
}

struct SecretStore::LoadState
{
    Settings *settings = nullptr;
    QStringList wanted;
    qsizetype next = 0;
    std::function<void()> done;
};

void SecretStore::loadInto(Settings &settings, std::function<void()> done)
{
    auto state = std::make_shared<LoadState>();
    state->settings = &settings;
    state->done = std::move(done);
    for (const SettingDefinition &def : Settings::definitions()) {
        if (def.secret && settings.value(def.key).source != SettingSource::Environment)
            state->wanted.append(def.key);
    }
    loadNext(std::move(state));
}

// One key at a time: the first "unavailable" answer ends the chain, so a missing keychain costs one
// round trip instead of one per secret.
void SecretStore::loadNext(std::shared_ptr<LoadState> state)
{
    if (state->next >= state->wanted.size() || !m_available) {
        state->done();
        return;
    }
    const QString key = state->wanted.at(state->next++);
    m_backend->read(key, [this, state, key](SecretBackend::ReadResult result) {
        if (result.outcome == SecretBackend::ReadOutcome::Found)
            state->settings->provideSecret(key, result.value, SettingSource::Keychain);
        else if (result.outcome == SecretBackend::ReadOutcome::Unavailable)
            noteUnavailable(result.message);
        // Continue from the event loop so a synchronous backend cannot recurse deeply.
        QTimer::singleShot(0, this, [this, state]() { loadNext(state); });
    });
}

void SecretStore::store(const QString &key, const QString &value, SecretBackend::WriteCallback done)
{
    const SettingDefinition *def = Settings::definition(key);
    if (!def || !def->secret)
        return done(Error{QStringLiteral("unknown_secret"),
                          QStringLiteral("\"%1\" is not a secret setting.").arg(key)});
    SecretRedactor::add(value);
    m_backend->write(key, value, [this, done = std::move(done)](Status status) {
        if (!status && status.error().kind == QLatin1String("keychain_unavailable"))
            noteUnavailable(status.error().message);
        done(status);
    });
}

void SecretStore::erase(const QString &key, SecretBackend::WriteCallback done)
{
    m_backend->remove(key, std::move(done));
}

} // namespace exeserver
