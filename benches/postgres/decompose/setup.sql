-- Tables shaped like authward's (a 1.4 KB jsonb body per user, challenges and events with their
-- indexes) and write functions with the statements of write_user, for run.sh.
CREATE TABLE u (user_id text PRIMARY KEY, revision bigint NOT NULL, body jsonb NOT NULL);
INSERT INTO u SELECT 'u'||i, 0, jsonb_build_object('pad', repeat('x', 1400), 'n', i) FROM generate_series(0,479) i;
CREATE TABLE ch (token_hash bytea PRIMARY KEY, user_id text NOT NULL REFERENCES u(user_id) ON DELETE CASCADE, expires_at bigint NOT NULL);
CREATE INDEX ON ch(user_id); CREATE INDEX ON ch(expires_at);
CREATE TABLE ev (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id text NOT NULL, user_id text, kind text NOT NULL, at bigint NOT NULL, detail text NOT NULL);
CREATE INDEX ON ev(user_id,id); CREATE INDEX ON ev(at);
CREATE FUNCTION w(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  DELETE FROM ch WHERE token_hash = sha256(convert_to(p_user || p_rev, 'UTF8'));
  INSERT INTO ch VALUES (sha256(convert_to(p_user || (p_rev+1) || random(), 'UTF8')), p_user, 1);
  INSERT INTO ev (account_id, user_id, kind, at, detail) VALUES ('b', p_user, 'sign_in', 1, 'password and authenticator code');
  RETURN 1;
END $$;
CREATE FUNCTION w1(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  RETURN 1;
END $$;
CREATE FUNCTION w2(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  INSERT INTO ev (account_id, user_id, kind, at, detail) VALUES ('b', p_user, 'sign_in', 1, 'password and authenticator code');
  RETURN 1;
END $$;
CREATE FUNCTION w3(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  DELETE FROM ch WHERE token_hash = sha256(convert_to(p_user || p_rev, 'UTF8'));
  INSERT INTO ch VALUES (sha256(convert_to(p_user || (p_rev+1) || random(), 'UTF8')), p_user, 1);
  RETURN 1;
END $$;
-- Schema 3's shapes: the challenge marked used in place (no index on used: a HOT update; fill factor
-- 80) and the events' time index a BRIN.
CREATE TABLE ch3 (token_hash bytea PRIMARY KEY, user_id text NOT NULL REFERENCES u(user_id) ON DELETE CASCADE, expires_at bigint NOT NULL, used boolean NOT NULL DEFAULT false) WITH (fillfactor = 80);
CREATE INDEX ON ch3(user_id); CREATE INDEX ON ch3(expires_at);
INSERT INTO ch3 SELECT sha256(convert_to(user_id, 'UTF8')), user_id, 1 FROM u;
CREATE TABLE ev3 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id text NOT NULL, user_id text, kind text NOT NULL, at bigint NOT NULL, detail text NOT NULL);
CREATE INDEX ON ev3(user_id,id); CREATE INDEX ON ev3 USING brin (at) WITH (autosummarize = on);
CREATE FUNCTION w4(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  UPDATE ch3 SET used = true WHERE token_hash = sha256(convert_to(p_user, 'UTF8')) AND user_id = p_user;
  RETURN 1;
END $$;
CREATE FUNCTION w5(p_user text, p_rev bigint, p_body jsonb) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  UPDATE u SET revision = revision + 1, body = p_body WHERE user_id = p_user AND revision >= p_rev;
  UPDATE ch3 SET used = true WHERE token_hash = sha256(convert_to(p_user, 'UTF8')) AND user_id = p_user;
  INSERT INTO ev3 (account_id, user_id, kind, at, detail) VALUES ('b', p_user, 'sign_in', 1, 'password and authenticator code');
  RETURN 1;
END $$;
