-- MailGate schema version 2: the delivery ledger (one trigger per email across replicas and time). One row per
-- email identity (the rule plus the Message-ID or content identity, hashed): the message that holds the right to
-- send its trigger, and when PagerDuty accepted it. Rows older than Spool:LedgerRetention are swept.
CREATE TABLE mailgate.delivery_ledger (
    key         text COLLATE "C" PRIMARY KEY,
    message_id  text COLLATE "C" NOT NULL,
    reserved_at timestamptz NOT NULL,
    accepted_at timestamptz NULL
);

CREATE INDEX delivery_ledger_age ON mailgate.delivery_ledger ((COALESCE(accepted_at, reserved_at)));
