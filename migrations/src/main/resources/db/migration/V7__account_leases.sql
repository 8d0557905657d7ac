-- One runner per account: the lease a runner holds for its account, with an epoch that grows with
-- every acquisition (fencing: a write made under an older epoch is refused). A new, empty table:
-- nothing to do to existing data.
CREATE TABLE monitoring.account_leases (
    account    varchar(64) NOT NULL,
    holder     varchar     NOT NULL,
    epoch      bigint      NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT account_leases_pkey PRIMARY KEY (account),
    CONSTRAINT account_leases_epoch_check CHECK (epoch > 0)
);

COMMENT ON TABLE monitoring.account_leases IS
    'The lease of each account: who acts for it, under which epoch, until when (the database''s clock). A released lease keeps its row (expires_at in the past) so the next epoch is higher.';
