#pragma once

#include "util/result.h"

#include <QString>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace exeserver {

class Settings;

// One firing a team member asks for: trigger `triggerId` for the occurrence `occurrence`
// (Occurrence::claimKey), seen here as event `eventId` (kept in the row for people reading the table).
struct ClaimRequest
{
    QString occurrence;
    QString triggerId;
    QString eventId;
};

// Team mode's shared decision: before an instance fires a trigger for an occurrence it claims the pair in
// the team database (table exeserver_trigger_claims, primary key (occurrence, trigger_id); see
// packaging/supabase/schema.sql). The first instance to insert the row fires; every other one sees the
// conflict and leaves the occurrence alone. Asynchronous: claim() returns at once and `done` runs later on
// the calling thread with true (ours), false (another instance's) or an error (undecided); never after
// the claims object is gone.
class TriggerClaims
{
public:
    using Done = std::function<void(Result<bool>)>;

    virtual ~TriggerClaims() = default;
    virtual QString describe() const = 0;
    virtual void claim(const ClaimRequest &request, Done done) = 0;

    // The team database is the sync target: EXESERVER_DATABASE_URL (PostgreSQL) when set, else
    // SUPABASE_URL + SUPABASE_ANON_KEY (Supabase, through PostgREST) — the rule SyncService::targetFrom
    // follows. Null without either (no team mode) or on a bad URL (then `problem` says why).
    static std::unique_ptr<TriggerClaims> fromSettings(const Settings &settings,
                                                       QNetworkAccessManager *network, const QString &owner,
                                                       QString *problem);
};

} // namespace exeserver
