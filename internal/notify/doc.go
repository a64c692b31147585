// Package notify sends holdspace's email through an outbox.
//
// A use case that should send an email (an appointment reminder, a sign-in
// code, a safety escalation to staff) does not talk to a mail server. It
// calls Enqueue inside the same store transaction as the change that causes
// the email, so the two commit together or not at all: a reminder is never
// sent for a booking that rolled back, and never lost for one that
// committed, whatever happens to the mail server or the process afterwards.
//
// A Worker, run beside the web server, drains the outbox: it picks rows that
// are due (send_after has passed, not sent, not given up), claims each one
// with a compare-and-set UPDATE on its attempt count, delivers it over SMTP
// and marks it sent. The compare-and-set is plain SQL that behaves the same
// on SQLite and PostgreSQL, so two holdspace instances sharing one
// PostgreSQL database never both send a message: whichever UPDATE lands
// first wins and the other sees no row changed. A claim also pushes
// send_after a lease ahead, so a message whose sender died mid-delivery is
// tried again once the lease runs out rather than being stuck.
//
// A delivery that fails is tried again after 1, 2, 4 … minutes, capped at an
// hour. A recipient or message the server refuses outright (a 5xx reply to
// RCPT or DATA) is not retried. When the failure is the server's rather
// than the message's (it cannot be reached, offers no STARTTLS, refuses
// our login or sender), the pass stops after that one message, so an
// outage costs one attempt per pass instead of one for every message. After MaxAttempts the row gets failed_at
// and stays in the table with its last error, visible as failed instead of
// silently pending. Delivery is at least once: if the database cannot
// record a message as sent after the server took it, it is sent again when
// the lease runs out; the Message-ID header is derived from the outbox id
// so mail clients can recognise the repeat.
//
// The worker looks for due mail every Interval; Wake, called after a
// commit that queued something urgent such as a sign-in code, makes it
// look at once.
//
// Without an SMTP host, NewSender returns nil, no worker runs and mail
// waits in the outbox (Pending counts it) until one is configured.
//
// An email whose text is itself a credential (a password reset or
// invitation link, a sign-in code) is queued with EnqueueSealed: its body
// is sealed with the key file before it is written, so the database and
// its backups never hold it in clear. Every body, sealed or not, is
// emptied when the message is marked sent; the row keeps its recipient,
// subject and status.
//
// Logs name outbox ids, counts and SMTP reply codes only. Addresses,
// subjects and bodies can reveal that a person is a client of the practice
// and stay in the database.
package notify
