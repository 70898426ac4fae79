#pragma once

#include "config/settings.h"
#include "util/result.h"

#include <QObject>

#include <functional>
#include <memory>

namespace exeserver {

// Where secrets are kept. The real one is the OS keychain (QtKeychain); tests use MemorySecretBackend.
class SecretBackend
{
public:
    enum class ReadOutcome
    {
        Found,
        NotFound,
        Unavailable
    };
    struct ReadResult
    {
        ReadOutcome outcome = ReadOutcome::NotFound;
        QString value;
        QString message; // why the backend is unavailable
    };
    using ReadCallback = std::function<void(ReadResult)>;
    using WriteCallback = std::function<void(Status)>;

    virtual ~SecretBackend() = default;
    virtual QString name() const = 0;
    virtual void read(const QString &key, ReadCallback done) = 0;
    virtual void write(const QString &key, const QString &value, WriteCallback done) = 0;
    virtual void remove(const QString &key, WriteCallback done) = 0;
};

// In-memory backend for tests and for machines without a keychain (EXESERVER_NO_KEYCHAIN=1).
class MemorySecretBackend final : public SecretBackend
{
public:
    explicit MemorySecretBackend(bool available = true)
        : m_available(available)
    {
    }
    QString name() const override { return QStringLiteral("memory"); }
    void read(const QString &key, ReadCallback done) override;
    void write(const QString &key, const QString &value, WriteCallback done) override;
    void remove(const QString &key, WriteCallback done) override;

private:
    bool m_available;
    QHash<QString, QString> m_values;
};

// Reads and writes ExeServer's secrets (GitHub token, webhook secret, Supabase key, database URL, LLM key)
// through a backend. Asynchronous like the keychain itself. When the backend is unavailable (a headless
// Linux box without a Secret Service) it says so once and the environment remains the source.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(std::unique_ptr<SecretBackend> backend, QObject *parent = nullptr);
    ~SecretStore() override;

    // The OS keychain, or an unavailable stub when EXESERVER_NO_KEYCHAIN is set.
    static std::unique_ptr<SecretBackend> systemBackend();

    // Reads every secret the environment did not already supply and records it in `settings`.
    void loadInto(Settings &settings, std::function<void()> done);
    void store(const QString &key, const QString &value, SecretBackend::WriteCallback done);
    void erase(const QString &key, SecretBackend::WriteCallback done);

    bool isAvailable() const { return m_available; }
    QString unavailableReason() const { return m_unavailableReason; }

Q_SIGNALS:
    void backendUnavailable(const QString &message);

private:
    struct LoadState;
    void loadNext(std::shared_ptr<LoadState> state);
    void noteUnavailable(const QString &message);

    std::unique_ptr<SecretBackend> m_backend;
    bool m_available = true;
    QString m_unavailableReason;
};

} // namespace exeserver
