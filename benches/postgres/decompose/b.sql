\set id random(0, 479)
SELECT revision, body::text FROM u WHERE user_id = 'u' || :id;
UPDATE u SET revision = revision + 1, body = body WHERE user_id = 'u' || :id AND revision >= 0;
