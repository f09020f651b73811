// authward C++ convenience header (header-only, C++17): RAII handles and exceptions over the C API of
// authward.h. Link the same library: `c++ -std=c++17 app.cpp $(pkg-config --cflags --libs authward)`.
//
// * Every failing call throws authward::Error (code(), name(), violations(), retry_after()).
// * Handles (Service, Clock) own their C handle and free it in the destructor; they are movable, not
//   copyable. Service is thread-safe like authward_service.
// * Results are plain C++ values (std::string, std::vector). Note: secrets copied into std::string are
//   not wiped when destroyed; the C objects they come from are.
#ifndef AUTHWARD_HPP
#define AUTHWARD_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authward.h"

namespace authward {

/// One password-policy violation: its code and an English message.
struct Violation {
    authward_violation_code code;
    std::string message;
    /// The stable name, e.g. "TOO_SHORT".
    std::string name() const { return authward_violation_code_name(code); }
};

/// A failed call: the authward_result code, the message, and (for POLICY_VIOLATION) every violation.
class Error : public std::runtime_error {
  public:
    Error(authward_result code, std::string message, std::vector<Violation> violations, uint64_t retry_after)
        : std::runtime_error(std::move(message)), code_(code), violations_(std::move(violations)),
          retry_after_(retry_after) {}
    /// The stable code.
    authward_result code() const noexcept { return code_; }
    /// The stable name, e.g. "POLICY_VIOLATION".
    const char *name() const noexcept { return authward_result_name(code_); }
    /// With POLICY_VIOLATION: every violation.
    const std::vector<Violation> &violations() const noexcept { return violations_; }
    /// With LOCKED_OUT: seconds to wait.
    uint64_t retry_after() const noexcept { return retry_after_; }

  private:
    authward_result code_;
    std::vector<Violation> violations_;
    uint64_t retry_after_;
};

namespace detail {
/// NULL for an empty string (the C API's "none").
inline const char *opt(const std::string &s) { return s.empty() ? nullptr : s.c_str(); }

inline std::optional<std::string> opt_copy(const char *s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

inline std::vector<Violation> violations(const authward_violation_list *list) {
    std::vector<Violation> out;
    for (size_t i = 0; i < authward_violation_list_len(list); i++) {
        out.push_back({authward_violation_list_code(list, i), authward_violation_list_text(list, i)});
    }
    return out;
}

/// Throws the calling thread's last error when rc is not OK.
inline void check(authward_result rc) {
    if (rc != AUTHWARD_RESULT_OK) {
        throw Error(rc, authward_last_error_message(), violations(authward_last_error_violations()),
                    authward_last_error_retry_after());
    }
}

/// Takes ownership of a string from the library and copies it out.
inline std::string take(char *s) {
    std::unique_ptr<char, decltype(&authward_string_free)> owned(s, &authward_string_free);
    return owned ? std::string(owned.get()) : std::string();
}

inline std::vector<std::string> take(authward_strings *list) {
    std::unique_ptr<authward_strings, decltype(&authward_strings_free)> owned(list, &authward_strings_free);
    std::vector<std::string> out;
    for (size_t i = 0; i < authward_strings_len(list); i++) out.emplace_back(authward_strings_get(list, i));
    return out;
}

inline const uint8_t *bytes(std::string_view s) { return reinterpret_cast<const uint8_t *>(s.data()); }

/// A C string from a string_view (the C API takes NUL-terminated strings).
inline std::string z(std::string_view s) { return std::string(s); }
}  // namespace detail

/// The library version, e.g. "0.1.0".
inline std::string version() { return authward_version(); }

/// Argon2id hash of `password` as a PHC string.
inline std::string hash_password(std::string_view password,
                                 const authward_hash_params &params = authward_hash_params_default()) {
    char *out = nullptr;
    detail::check(authward_hash_password(detail::bytes(password), password.size(), &params, nullptr, 0, &out));
    return detail::take(out);
}

/// Whether `password` matches the PHC string (a malformed string throws INVALID_ARGUMENT).
inline bool verify_password(std::string_view password, std::string_view phc) {
    bool ok = false;
    detail::check(authward_verify_password(detail::bytes(password), password.size(), detail::z(phc).c_str(),
                                           nullptr, 0, &ok));
    return ok;
}

/// Every violation of `password` under `policy` (empty: it passes).
inline std::vector<Violation> check_password(std::string_view password,
                                             const authward_password_policy &policy = authward_password_policy_default(),
                                             const std::vector<std::string> &user_inputs = {}) {
    std::vector<const char *> inputs;
    for (const auto &s : user_inputs) inputs.push_back(s.c_str());
    authward_violation_list *list = nullptr;
    detail::check(authward_password_policy_check(&policy, detail::bytes(password), password.size(),
                                                 inputs.empty() ? nullptr : inputs.data(), inputs.size(), &list));
    std::unique_ptr<authward_violation_list, decltype(&authward_violation_list_free)> owned(list, &authward_violation_list_free);
    return detail::violations(list);
}

/// A fresh base32 TOTP secret.
inline std::string generate_totp_secret() {
    char *out = nullptr;
    detail::check(authward_generate_totp_secret(&out));
    return detail::take(out);
}

/// The TOTP code of `secret` at `at` (AUTHWARD_NOW: now).
inline std::string totp_code(std::string_view secret, uint64_t at = AUTHWARD_NOW,
                             const authward_totp_config &config = authward_totp_config_default()) {
    char *out = nullptr;
    detail::check(authward_totp_code(detail::z(secret).c_str(), at, &config, &out));
    return detail::take(out);
}

/// The matched time step, or nothing for a wrong or replayed code.
inline std::optional<uint64_t> verify_totp(std::string_view secret, std::string_view code, uint64_t at = AUTHWARD_NOW,
                                           std::optional<uint64_t> last_step = std::nullopt,
                                           const authward_totp_config &config = authward_totp_config_default()) {
    bool valid = false;
    uint64_t step = 0;
    detail::check(authward_verify_totp(detail::z(secret).c_str(), detail::z(code).c_str(), at,
                                       last_step ? &*last_step : nullptr, &config, &valid, &step));
    return valid ? std::optional<uint64_t>(step) : std::nullopt;
}

/// A settable clock for tests and demos (shared with the services it is given to).
class Clock {
  public:
    explicit Clock(uint64_t unix_seconds) { detail::check(authward_clock_new(unix_seconds, &raw_)); }
    Clock(Clock &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Clock &operator=(Clock &&other) noexcept {
        std::swap(raw_, other.raw_);
        return *this;
    }
    Clock(const Clock &) = delete;
    Clock &operator=(const Clock &) = delete;
    ~Clock() { authward_clock_free(raw_); }
    void set(uint64_t unix_seconds) { detail::check(authward_clock_set(raw_, unix_seconds)); }
    void advance(uint64_t seconds) { detail::check(authward_clock_advance(raw_, seconds)); }
    uint64_t now() const { return authward_clock_now(raw_); }
    const authward_clock *get() const noexcept { return raw_; }

  private:
    authward_clock *raw_ = nullptr;
};

/// The result of a sign-in step.
struct SignIn {
    authward_sign_in_status status;
    std::string challenge;  // with AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED
    uint32_t required_actions;  // AUTHWARD_REQUIRED_ACTION_* bits
    std::optional<int64_t> password_expires_in_days;
    uint64_t credential_version;
    /// A new remembered-device token (given once, after verify_second_factor with a label under a
    /// policy with remember_device_days); empty otherwise.
    std::string device_token;
    bool complete() const noexcept { return status == AUTHWARD_SIGN_IN_STATUS_COMPLETE; }
};

/// One entry of a user's security log or of an account's audit log.
struct Event {
    authward_event_kind kind;
    uint64_t at;
    std::string detail;
    /// Whether to tell the user (authward_event_list_notify()).
    bool notify;
    /// Who did it, for admin actions; empty for the user's own events.
    std::optional<std::string> actor;
    /// The user it concerned; empty for account-wide entries of the audit log (policy changes).
    std::optional<std::string> user_id;
    /// The stable name, e.g. "sign_in_failed".
    std::string name() const { return authward_event_kind_name(kind); }
};

/// A remembered device (authward_list_devices()).
struct Device {
    std::string id, label;
    uint64_t created_at, last_used_at, expires_at;
};

/// One user of an account report; the fields of authward_user_report.
struct UserReport {
    std::string user_id;
    authward_attention attention;
    bool two_factor_enabled, two_factor_exempt;
    uint64_t two_factor_deadline, password_changed_at, password_age_days, password_expires_at;
    uint32_t required_actions;
    uint64_t locked_until, last_sign_in_at;
};

/// One page of an account report, with the counts of the whole account.
struct Report {
    std::vector<UserReport> users;
    size_t total, overdue, due;
    uint64_t at;
};

/// A pending TOTP enrolment.
struct Enrollment {
    std::string secret, uri, qr_svg, qr_terminal;
    std::vector<uint8_t> qr_png;
    uint64_t expires_at;
};

/// Options of a service.
struct Options {
    const Clock *clock = nullptr;
    std::optional<authward_hash_params> hash_params;
    std::string pepper;
};

/// The account-security service (thread-safe).
class Service {
  public:
    /// Kept for code written against the first release: the event type is authward::Event.
    using Event = authward::Event;

    /// A service over the SQLite file at `path`, or over PostgreSQL for a `postgres://` or
    /// `postgresql://` URL (see authward_service_open()); `key` must be 32 bytes.
    static Service open(const std::string &path, std::string_view key, const Options &options = {}) {
        authward_options o = c_options(options);
        authward_service *raw = nullptr;
        detail::check(authward_service_open(path.c_str(), detail::bytes(key), key.size(), &o, &raw));
        return Service(raw);
    }
    /// A service over memory (tests, demos).
    static Service in_memory(const Options &options = {}) {
        authward_options o = c_options(options);
        authward_service *raw = nullptr;
        detail::check(authward_service_open_in_memory(&o, &raw));
        return Service(raw);
    }
    Service(Service &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Service &operator=(Service &&other) noexcept {
        std::swap(raw_, other.raw_);
        return *this;
    }
    Service(const Service &) = delete;
    Service &operator=(const Service &) = delete;
    ~Service() { authward_service_free(raw_); }

    uint64_t now() const { return authward_now(raw_); }
    /// Admin calls take the admin's name as `actor` (recorded in the event and the audit log; empty:
    /// "admin").
    void set_account_policy(const std::string &account_id, const authward_account_policy &policy,
                            const std::string &actor = {}) {
        detail::check(authward_set_account_policy_by(raw_, account_id.c_str(), &policy, detail::opt(actor)));
    }
    authward_account_policy account_policy(const std::string &account_id) const {
        authward_account_policy out{};
        detail::check(authward_get_account_policy(raw_, account_id.c_str(), &out));
        return out;
    }
    void create_user(const std::string &user_id, const std::string &account_id, std::string_view password,
                     const std::optional<std::string> &email = std::nullopt) {
        detail::check(authward_create_user(raw_, user_id.c_str(), account_id.c_str(), detail::bytes(password),
                                           password.size(), email ? email->c_str() : nullptr));
    }
    void delete_user(const std::string &user_id) { detail::check(authward_delete_user(raw_, user_id.c_str())); }
    std::vector<std::string> list_users(const std::string &account_id) const {
        authward_strings *out = nullptr;
        detail::check(authward_list_users(raw_, account_id.c_str(), &out));
        return detail::take(out);
    }
    void change_password(const std::string &user_id, std::string_view current, std::string_view new_password,
                         std::string_view confirm) {
        detail::check(authward_change_password(raw_, user_id.c_str(), detail::bytes(current), current.size(),
                                               detail::bytes(new_password), new_password.size(),
                                               detail::bytes(confirm), confirm.size()));
    }
    void set_password(const std::string &user_id, std::string_view new_password, const std::string &actor = {}) {
        detail::check(authward_set_password_by(raw_, user_id.c_str(), detail::bytes(new_password),
                                               new_password.size(), detail::opt(actor)));
    }
    void require_password_change(const std::string &user_id, const std::string &actor = {}) {
        detail::check(authward_require_password_change_by(raw_, user_id.c_str(), detail::opt(actor)));
    }
    /// `client` (e.g. the IP address; empty: none) scopes the lockout, see authward_sign_in_from().
    /// `device_token` (empty: none) is a remembered device's token: valid, it skips the code (never
    /// the password); wrong, expired or revoked, it is ignored (see authward_sign_in_with_device()).
    SignIn sign_in(const std::string &user_id, std::string_view password, const std::string &client = {},
                   const std::string &device_token = {}) {
        authward_sign_in_result *r = nullptr;
        detail::check(authward_sign_in_with_device(raw_, user_id.c_str(), detail::bytes(password), password.size(),
                                                   detail::opt(client), detail::opt(device_token), &r));
        return take(r);
    }
    /// `remember_label` (empty: don't) asks to remember this device under the app's name for it; the
    /// token is then SignIn::device_token (see authward_verify_second_factor_remember()).
    SignIn verify_second_factor(const std::string &challenge, const std::string &code, const std::string &client = {},
                                const std::string &remember_label = {}) {
        authward_sign_in_result *r = nullptr;
        if (remember_label.empty()) {
            detail::check(authward_verify_second_factor_from(raw_, challenge.c_str(), code.c_str(),
                                                             detail::opt(client), &r));
        } else {
            detail::check(authward_verify_second_factor_remember(raw_, challenge.c_str(), code.c_str(),
                                                                 detail::opt(client), remember_label.c_str(), &r));
        }
        return take(r);
    }
    void unlock_user(const std::string &user_id, const std::string &actor = {}) {
        detail::check(authward_unlock_user_by(raw_, user_id.c_str(), detail::opt(actor)));
    }
    /// Exempts the user from Enforce 2FA (or ends the exemption); logged.
    void set_two_factor_exempt(const std::string &user_id, bool exempt, const std::string &actor = {}) {
        detail::check(authward_set_two_factor_exempt(raw_, user_id.c_str(), exempt, detail::opt(actor)));
    }
    /// The user's remembered devices.
    std::vector<Device> list_devices(const std::string &user_id) const {
        authward_device_list *list = nullptr;
        detail::check(authward_list_devices(raw_, user_id.c_str(), &list));
        std::unique_ptr<authward_device_list, decltype(&authward_device_list_free)> owned(list,
                                                                                         &authward_device_list_free);
        std::vector<Device> out;
        for (size_t i = 0; i < authward_device_list_len(list); i++) {
            out.push_back({authward_device_list_id(list, i), authward_device_list_label(list, i),
                           authward_device_list_created_at(list, i), authward_device_list_last_used_at(list, i),
                           authward_device_list_expires_at(list, i)});
        }
        return out;
    }
    void revoke_device(const std::string &user_id, const std::string &device_id) {
        detail::check(authward_revoke_device(raw_, user_id.c_str(), device_id.c_str()));
    }
    /// Forgets every remembered device of the user; returns how many there were.
    size_t revoke_all_devices(const std::string &user_id) {
        size_t n = 0;
        detail::check(authward_revoke_all_devices(raw_, user_id.c_str(), &n));
        return n;
    }
    /// Admin: every user of the account judged against its policy now, one page (`sort`: an
    /// AUTHWARD_REPORT_SORT_* value; `limit` 1-1000).
    Report account_report(const std::string &account_id, uint32_t sort = AUTHWARD_REPORT_SORT_ATTENTION,
                          size_t offset = 0, size_t limit = 100) const {
        authward_report *report = nullptr;
        detail::check(authward_account_report(raw_, account_id.c_str(), sort, offset, limit, &report));
        std::unique_ptr<authward_report, decltype(&authward_report_free)> owned(report, &authward_report_free);
        Report out{{}, authward_report_total(report), authward_report_overdue(report), authward_report_due(report),
                   authward_report_at(report)};
        for (size_t i = 0; i < authward_report_len(report); i++) {
            authward_user_report u{};
            detail::check(authward_report_user(report, i, &u));
            out.users.push_back({u.user_id, u.attention, u.two_factor_enabled, u.two_factor_exempt,
                                 u.two_factor_deadline, u.password_changed_at, u.password_age_days,
                                 u.password_expires_at, u.required_actions, u.locked_until, u.last_sign_in_at});
        }
        return out;
    }
    /// Admin: the account's audit log (policy changes and admin actions, each with its actor), newest
    /// first; each entry names its user (none for policy changes).
    std::vector<Event> audit_log(const std::string &account_id, size_t limit = 100) const {
        authward_event_list *list = nullptr;
        detail::check(authward_audit_log(raw_, account_id.c_str(), limit, &list));
        return take(list);
    }
    /// Replacing an active authenticator needs `proof` (the password or a current code); empty: none.
    Enrollment begin_totp_enrollment(const std::string &user_id, const std::string &issuer, std::string_view proof = {}) {
        authward_enrollment *e = nullptr;
        detail::check(authward_begin_totp_enrollment_with_proof(raw_, user_id.c_str(), issuer.c_str(),
                                                                proof.empty() ? nullptr : detail::bytes(proof),
                                                                proof.size(), &e));
        std::unique_ptr<authward_enrollment, decltype(&authward_enrollment_free)> owned(e, &authward_enrollment_free);
        size_t png_len = 0;
        const uint8_t *png = authward_enrollment_qr_png(e, &png_len);
        return Enrollment{authward_enrollment_secret(e), authward_enrollment_uri(e), authward_enrollment_qr_svg(e),
                          authward_enrollment_qr_terminal(e), std::vector<uint8_t>(png, png + png_len),
                          authward_enrollment_expires_at(e)};
    }
    std::vector<std::string> confirm_totp_enrollment(const std::string &user_id, const std::string &code) {
        authward_strings *out = nullptr;
        detail::check(authward_confirm_totp_enrollment(raw_, user_id.c_str(), code.c_str(), &out));
        return detail::take(out);
    }
    void disable_totp(const std::string &user_id, std::string_view password) {
        detail::check(authward_disable_totp(raw_, user_id.c_str(), detail::bytes(password), password.size()));
    }
    std::vector<std::string> regenerate_recovery_codes(const std::string &user_id, std::string_view password) {
        authward_strings *out = nullptr;
        detail::check(authward_regenerate_recovery_codes(raw_, user_id.c_str(), detail::bytes(password),
                                                         password.size(), &out));
        return detail::take(out);
    }
    void reset_two_factor(const std::string &user_id, const std::string &actor = {}) {
        detail::check(authward_reset_two_factor_by(raw_, user_id.c_str(), detail::opt(actor)));
    }
    authward_security_status status(const std::string &user_id) const {
        authward_security_status out{};
        detail::check(authward_status(raw_, user_id.c_str(), &out));
        return out;
    }
    /// The user's security log, newest first.
    std::vector<Event> events(const std::string &user_id, size_t limit = 100) const {
        authward_event_list *list = nullptr;
        detail::check(authward_events(raw_, user_id.c_str(), limit, &list));
        return take(list);
    }
    /// The C handle, for calls this header does not wrap.
    const authward_service *get() const noexcept { return raw_; }

  private:
    explicit Service(authward_service *raw) : raw_(raw) {}
    static authward_options c_options(const Options &options) {
        authward_options o = authward_options_default();
        o.clock = options.clock ? options.clock->get() : nullptr;
        o.hash_params = options.hash_params ? &*options.hash_params : nullptr;
        o.pepper = options.pepper.empty() ? nullptr : detail::bytes(options.pepper);
        o.pepper_len = options.pepper.size();
        return o;
    }
    static std::vector<Event> take(authward_event_list *list) {
        std::unique_ptr<authward_event_list, decltype(&authward_event_list_free)> owned(list, &authward_event_list_free);
        std::vector<Event> out;
        for (size_t i = 0; i < authward_event_list_len(list); i++) {
            out.push_back({authward_event_list_kind(list, i), authward_event_list_at(list, i),
                           authward_event_list_detail(list, i), authward_event_list_notify(list, i),
                           detail::opt_copy(authward_event_list_actor(list, i)),
                           detail::opt_copy(authward_event_list_user_id(list, i))});
        }
        return out;
    }
    static SignIn take(authward_sign_in_result *r) {
        std::unique_ptr<authward_sign_in_result, decltype(&authward_sign_in_result_free)> owned(
            r, &authward_sign_in_result_free);
        const char *challenge = authward_sign_in_result_challenge(r);
        int64_t days = 0;
        bool has_days = authward_sign_in_result_password_expires_in_days(r, &days);
        const char *token = authward_sign_in_result_device_token(r);
        return SignIn{authward_sign_in_result_status(r), challenge ? challenge : "",
                      authward_sign_in_result_required_actions(r),
                      has_days ? std::optional<int64_t>(days) : std::nullopt,
                      authward_sign_in_result_credential_version(r), token ? token : ""};
    }
    authward_service *raw_ = nullptr;
};

}  // namespace authward

#endif  // AUTHWARD_HPP
