\set id random(0, 479)
SELECT w4('u' || :id, 0, (SELECT body FROM u WHERE user_id = 'u' || :id));
