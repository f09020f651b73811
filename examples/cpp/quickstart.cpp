// authward from C++ (authward.hpp: RAII handles, exceptions): the Security settings page story.
//
//   c++ -std=c++17 quickstart.cpp $(pkg-config --cflags --libs authward) -o quickstart && ./quickstart
//
// An admin enforces two-factor authentication, a user is created, enrols an authenticator app, signs in
// with a code, uses a recovery code, changes the password, and reads the security log. A manual clock
// stands in for time; authward::totp_code() plays the phone.
#include <iostream>

#include "authward.hpp"

int main() {
    try {
        std::cout << "authward " << authward::version() << "\n";
        authward::Clock clock(1767225600);  // 2026-01-01
        authward::Options options;
        options.clock = &clock;
        auto svc = authward::Service::in_memory(options);

        authward_account_policy policy = authward_account_policy_default();
        policy.enforce_two_factor = true;
        svc.set_account_policy("acme", policy);

        try {
            svc.create_user("bob", "acme", "bob", "bob@example.com");
        } catch (const authward::Error &e) {
            std::cout << "weak password refused (" << e.name() << "):\n";
            for (const auto &v : e.violations()) std::cout << "  - " << v.name() << ": " << v.message << "\n";
        }
        const std::string password = "correct horse battery staple";
        svc.create_user("bob", "acme", password, "bob@example.com");

        // Enforcement without grace: the first sign-in requires enrolment.
        auto first = svc.sign_in("bob", password);
        std::cout << "sign in: complete=" << first.complete() << ", must enrol="
                  << bool(first.required_actions & AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR) << "\n";

        auto enrollment = svc.begin_totp_enrollment("bob", "ACME");
        std::cout << "scan: " << enrollment.qr_png.size() << "-byte PNG, or type " << enrollment.secret << "\n";
        auto recovery = svc.confirm_totp_enrollment("bob", authward::totp_code(enrollment.secret, clock.now()));
        std::cout << "2FA on, " << recovery.size() << " recovery codes\n";

        clock.advance(30);
        auto step1 = svc.sign_in("bob", password);
        auto done = svc.verify_second_factor(step1.challenge, authward::totp_code(enrollment.secret, clock.now()));
        std::cout << "sign in with a code: complete=" << done.complete() << "\n";

        // Lost phone: a recovery code works once.
        auto step2 = svc.sign_in("bob", password);
        svc.verify_second_factor(step2.challenge, recovery.at(0));
        try {
            auto step3 = svc.sign_in("bob", password);
            svc.verify_second_factor(step3.challenge, recovery.at(0));
            return 1;
        } catch (const authward::Error &e) {
            std::cout << "recovery code reused: " << e.name() << "\n";
        }

        try {
            svc.disable_totp("bob", password);
            return 1;
        } catch (const authward::Error &e) {
            std::cout << "disable 2FA: " << e.name() << "\n";
        }

        clock.advance(86400);  // a user may change their password once a day
        svc.change_password("bob", password, "plum velvet orbit canyon", "plum velvet orbit canyon");
        auto status = svc.status("bob");
        std::cout << "2FA " << (status.two_factor_enabled ? "on" : "off") << ", " << status.recovery_codes_left
                  << " recovery codes left, credential version " << status.credential_version << "\n";
        for (const auto &event : svc.events("bob", 5)) std::cout << "  " << event.name() << ": " << event.detail << "\n";
        std::cout << "done\n";
        return 0;
    } catch (const authward::Error &e) {
        std::cerr << "unexpected " << e.name() << ": " << e.what() << "\n";
        return 1;
    }
}
