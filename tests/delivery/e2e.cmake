# Delivery end to end (delivery_e2e_test.sh, one scenario per test): the real authd, in production mode, hands its
# codes and links to a real SMTP server on loopback (scripts/smtp-server: aiosmtpd, with certificates made by openssl
# at test time) or to a webhook receiver that checks the signature (webhook_receiver.py); the test reads them there
# and uses them. The two-instance scenarios need the database servers scripts/test starts (AUTHD_TEST_PG_URL,
# AUTHD_TEST_MYSQL_URL): without them they fail; they are never skipped.
# Included from tests/delivery/CMakeLists.txt.
set(delivery_e2e_test ${CMAKE_CURRENT_LIST_DIR}/delivery_e2e_test.sh)
add_test(NAME delivery.smtp_starttls_delivers_otp_verification_and_sign_in_mail
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> smtp_starttls)
add_test(NAME delivery.smtp_untrusted_certificate_is_retried_never_sent
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> smtp_wrong_certificate)
add_test(NAME delivery.smtp_outage_delivers_each_message_once_in_order
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> smtp_outage)
add_test(NAME delivery.webhook_delivers_signed_sms_once_after_a_500
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> webhook)
add_test(NAME delivery.postgresql_two_instances_deliver_each_message_once
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> postgresql_two_instances)
add_test(NAME delivery.mariadb_two_instances_deliver_each_message_once
         COMMAND ${delivery_e2e_test} $<TARGET_FILE:authd> mariadb_two_instances)
set_tests_properties(delivery.smtp_starttls_delivers_otp_verification_and_sign_in_mail
                     delivery.smtp_untrusted_certificate_is_retried_never_sent
                     delivery.smtp_outage_delivers_each_message_once_in_order
                     delivery.webhook_delivers_signed_sms_once_after_a_500
                     delivery.postgresql_two_instances_deliver_each_message_once
                     delivery.mariadb_two_instances_deliver_each_message_once
                     PROPERTIES TIMEOUT 180 ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
