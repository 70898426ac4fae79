#pragma once

#include <functional>

namespace exeserver {

class GhCliTokenSource;
class SecretStore;
class Settings;

// Fills in the secrets the environment did not supply: first the OS keychain, then — for the GitHub
// token only — the GitHub CLI's login (`gh auth token`), when it is installed and logged in.
void loadCredentials(Settings &settings, SecretStore &secrets, GhCliTokenSource &ghCli,
                     std::function<void()> done);

} // namespace exeserver
