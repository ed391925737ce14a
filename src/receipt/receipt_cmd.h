/* receipt_cmd — the staff tool's receipt commands; kioskctl's dispatcher calls them.
 *
 * Each takes the loaded configuration (with --data-dir already applied to data_dir)
 * and the command's own argv, argv[0] being the command name.  Each prints what it did
 * on stdout, problems on stderr, and returns the exit status: 0 done, 1 the thing
 * checked or attempted failed, 2 bad arguments.
 *
 *   receipt UUID [--png FILE] [--escpos FILE] [--dots N]
 *       renders a stored record's receipt again (at least one of --png/--escpos;
 *       --dots overrides [printer] paper_dots).  Creates the receipts row if it is
 *       missing, as the kiosk would; needs the kiosk's identity (DATA_DIR/identity.key),
 *       which only the kiosk makes.
 *   verify PAYLOAD
 *       checks a receipt QR payload: an Ed25519 one (LDK2) against every key this kiosk
 *       has used (its database), an older HMAC one (LDK1) against DATA_DIR/receipt.key
 *       and the keys in DATA_DIR/receipt-keys/ (*.key); prints the verdict and, when the
 *       record is in this database, the receipt it stands for.  Another kiosk's receipt
 *       is the centre's to check (kioskctl centre verify).  Exit 0 only for a genuine
 *       payload.  Writes nothing.
 *   print-test [--png FILE]
 *       prints the test page on the configured printer, synchronously, within
 *       [printer] timeout_ms; exit 0 only when the printer confirmed it.
 *
 * Never does: parse global options (the dispatcher does), or keep state between calls. */
#ifndef KIOSK_RECEIPT_CMD_H
#define KIOSK_RECEIPT_CMD_H

struct config;

int receipt_cmd_receipt(const struct config *cfg, int argc, char **argv);
int receipt_cmd_verify(const struct config *cfg, int argc, char **argv);
int receipt_cmd_print_test(const struct config *cfg, int argc, char **argv);

#endif
