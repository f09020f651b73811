\set id random(0, 479)
UPDATE u SET revision = revision + 1, body = body WHERE user_id = 'u' || :id AND revision >= 0;
