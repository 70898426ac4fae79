#include "config/credentialloader.h"

#include "config/ghclitokensource.h"
#include "config/secretstore.h"
#include "config/settings.h"

namespace exeserver {

void loadCredentials(Settings &settings, SecretStore &secrets, GhCliTokenSource &ghCli,
                     std::function<void()> done)
{
    secrets.loadInto(settings, [&settings, &ghCli, done = std::move(done)]() mutable {
        if (settings.isSet(setting::GitHubToken) || !ghCli.isInstalled()) {
            done();
            return;
        }
        ghCli.fetch([&settings, done = std::move(done)](std::optional<QString> token) {
            if (token)
                settings.provideSecret(setting::GitHubToken, *token, SettingSource::GhCli);
            done();
        });
    });
}

} // namespace exeserver
