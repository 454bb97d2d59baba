-- MailGate schema version 3: poller leadership (one lease row per role) and the untrusted-sender pages counted
-- across replicas (a sliding hour; rows older than an hour are swept as pages are counted).
CREATE TABLE mailgate.leaders (
    role    text COLLATE "C" PRIMARY KEY,
    owner   uuid NOT NULL,
    expires timestamptz NOT NULL
);

CREATE TABLE mailgate.untrusted_pages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender     text NOT NULL,
    network    text NOT NULL,
    counted_at timestamptz NOT NULL
);

CREATE INDEX untrusted_pages_sender ON mailgate.untrusted_pages (sender, counted_at);
CREATE INDEX untrusted_pages_network ON mailgate.untrusted_pages (network, counted_at);
CREATE INDEX untrusted_pages_counted_at ON mailgate.untrusted_pages (counted_at);
