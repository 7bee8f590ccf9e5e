-- Cancelling a running job is a request: its work stops at the next point where it can, and only then
-- is the job CANCELLED. Kept in the catalog so that any replica's workers see the request.
ALTER TABLE jobs ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
