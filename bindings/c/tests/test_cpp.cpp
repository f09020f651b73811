// The C++ header (include/authward.hpp) over the calls added in this release: the admin's actor and
// audit log, exemptions, the account report, remembered devices and the log's new fields. Each check
// is against the behaviour the C suite pins down (test_service.c); here, that the wrapper passes
// arguments through and copies results out (and frees what it took: run under ASan and valgrind).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "authward.hpp"

static int failures = 0;
#define CHECK(cond)                                                   \
    do {                                                              \
        if (!(cond)) {                                                \
            std::fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
            failures++;                                               \
        }                                                             \
    } while (0)

static const char *PW = "correct horse battery staple";

int main() {
    try {
        authward::Clock clock(1800000000);
        authward::Options options;
        options.clock = &clock;
        options.hash_params = authward_hash_params{1024, 1, 1};
        auto svc = authward::Service::in_memory(options);

        authward_account_policy policy = authward_account_policy_default();
        policy.enforce_two_factor = true;
        policy.two_factor_grace_days = 3;
        policy.remember_device_days = 30;
        svc.set_account_policy("acme", policy, "root@acme.example");
        svc.create_user("ann", "acme", PW);
        svc.create_user("svc", "acme", PW);

        // The report: both users due to enrol, sorted by user id.
        auto report = svc.account_report("acme", AUTHWARD_REPORT_SORT_USER_ID);
        CHECK(report.total == 2 && report.users.size() == 2 && report.due == 2 && report.overdue == 0);
        CHECK(report.users.at(0).user_id == "ann" && !report.users.at(0).two_factor_enabled);
        CHECK(report.users.at(0).two_factor_deadline == 1800000000u + 3 * 86400);
        CHECK(report.at == clock.now());
        CHECK(svc.account_report("acme", AUTHWARD_REPORT_SORT_USER_ID, 1, 1).users.at(0).user_id == "svc");

        // An exemption: no deadline any more, and logged with its actor.
        svc.set_two_factor_exempt("svc", true, "helpdesk@acme.example");
        auto exempt = svc.account_report("acme", AUTHWARD_REPORT_SORT_USER_ID).users.at(1);
        CHECK(exempt.two_factor_exempt && exempt.two_factor_deadline == 0);

        // ann enrols; signing in with a label remembers the device.
        auto e = svc.begin_totp_enrollment("ann", "ACME");
        svc.confirm_totp_enrollment("ann", authward::totp_code(e.secret, clock.now()));
        clock.advance(30);
        auto step = svc.sign_in("ann", PW);
        CHECK(step.status == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED && step.device_token.empty());
        auto done = svc.verify_second_factor(step.challenge, authward::totp_code(e.secret, clock.now()), {}, "Firefox");
        CHECK(done.complete() && !done.device_token.empty());
        auto devices = svc.list_devices("ann");
        CHECK(devices.size() == 1 && devices.at(0).label == "Firefox" && devices.at(0).id.size() == 16);
        CHECK(devices.at(0).created_at == clock.now() && devices.at(0).expires_at == clock.now() + 30 * 86400);
        // The token skips the code (never the password); a wrong one is ignored.
        CHECK(svc.sign_in("ann", PW, {}, done.device_token).complete());
        CHECK(svc.sign_in("ann", PW, {}, "not-a-token").status == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
        try {
            svc.sign_in("ann", "wrong password here", {}, done.device_token);
            CHECK(false);
        } catch (const authward::Error &err) {
            CHECK(err.code() == AUTHWARD_RESULT_INVALID_CREDENTIALS);
        }
        svc.revoke_device("ann", devices.at(0).id);
        CHECK(svc.list_devices("ann").empty());
        CHECK(svc.sign_in("ann", PW, {}, done.device_token).status == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
        CHECK(svc.revoke_all_devices("ann") == 0);

        // Admin calls with their actor; the audit log names user and actor; a user's log has both too.
        clock.advance(1);
        svc.unlock_user("ann", "helpdesk@acme.example");
        svc.require_password_change("ann");
        auto log = svc.audit_log("acme");
        CHECK(log.size() == 4);
        CHECK(log.at(0).user_id == std::optional<std::string>("ann") && log.at(0).actor == std::optional<std::string>("admin"));
        CHECK(log.at(1).name() == "unlocked" && log.at(1).actor == std::optional<std::string>("helpdesk@acme.example"));
        CHECK(log.at(2).user_id == std::optional<std::string>("svc"));
        CHECK(log.at(3).name() == "policy_changed" && !log.at(3).user_id.has_value());
        CHECK(log.at(3).actor == std::optional<std::string>("root@acme.example"));
        CHECK(svc.audit_log("acme", 1).size() == 1);
        auto mine = svc.events("ann");
        bool remembered = false;
        for (const auto &ev : mine) {
            CHECK(ev.user_id == std::optional<std::string>("ann"));
            if (ev.name() == "device_remembered") remembered = ev.notify && !ev.actor.has_value();
            if (ev.name() == "sign_in") CHECK(!ev.notify);
        }
        CHECK(remembered);
        authward::Service::Event compatible = mine.at(0);  // the first release's spelling still compiles
        CHECK(compatible.at == mine.at(0).at);

        // A bad actor is refused with a stable code.
        try {
            svc.reset_two_factor("ann", "line\nbreak");
            CHECK(false);
        } catch (const authward::Error &err) {
            CHECK(err.code() == AUTHWARD_RESULT_INVALID_ARGUMENT);
        }
        CHECK(svc.status("ann").two_factor_enabled);
        svc.set_password("ann", "purple elephant dancing quietly", "root@acme.example");
        CHECK(svc.audit_log("acme", 1).at(0).name() == "password_changed");
    } catch (const authward::Error &err) {
        std::fprintf(stderr, "unexpected authward::Error %s: %s\n", err.name(), err.what());
        return 1;
    }
    if (failures) {
        std::fprintf(stderr, "test_cpp: %d failed\n", failures);
        return 1;
    }
    std::printf("test_cpp: all checks passed\n");
    return 0;
}
