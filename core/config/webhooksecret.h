#pragma once

#include "util/result.h"

#include <QString>

#include <functional>

namespace exeserver {

class SecretStore;
class Settings;

// The secret the hooks ExeServer creates sign with: GITHUB_WEBHOOK_SECRET when the environment sets it
// (it wins), else the one in the keychain, else a new random one (32 bytes, hex) stored in the keychain and
// recorded in `settings` so the receiver checks deliveries against it. Without a keychain and without the
// variable there is nowhere safe to keep a new secret, so that is an error naming the variable.
void ensureWebhookSecret(Settings &settings, SecretStore &secrets, std::function<void(Result<QString>)> done);

} // namespace exeserver
