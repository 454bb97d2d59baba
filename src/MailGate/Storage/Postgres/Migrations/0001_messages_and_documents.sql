-- MailGate schema version 1: the messages (bytes, envelope, state, area, lease) and the small documents
-- (poller cursors, feature state). Ids sort by arrival in the "C" collation.
CREATE TABLE mailgate.messages (
    id            text COLLATE "C" PRIMARY KEY,
    area          text NOT NULL CHECK (area IN ('active', 'done', 'dead', 'corrupt')),
    content       bytea NOT NULL,
    envelope      text NOT NULL,
    state         text NULL,
    lease_owner   uuid NULL,
    lease_expires timestamptz NULL,
    committed_at  timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz NULL
);

CREATE INDEX messages_area_id ON mailgate.messages (area, id);

CREATE TABLE mailgate.documents (
    kind       text COLLATE "C" NOT NULL CHECK (kind IN ('cursor', 'feature')),
    name       text COLLATE "C" NOT NULL,
    key        text COLLATE "C" NOT NULL,
    document   bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name, key)
);
