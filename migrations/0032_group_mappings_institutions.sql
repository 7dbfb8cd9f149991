-- Issue 10 follow-ups: group mappings name their institutions; OIDC sessions keep no ID token.
--
-- A group → role mapping with no institution (institution_ids NULL) covers every institution.
-- Until now the API made such a mapping whenever the institutions were left out, which was too
-- easy to do by accident; it now requires them, and "every institution" is an explicit choice of
-- an admin of the whole deployment. The column keeps its meaning. Existing NULL rows:
-- - in a deployment with a single institution, they become that institution: the same grants
--   today, and an institution added later is not covered without an admin saying so;
-- - with several institutions they stay "every institution": narrowing them here would revoke
--   people's roles at the next hourly evaluation with nobody having decided it. The admin panel
--   shows them marked "Tous les établissements" for an admin to review.
UPDATE group_role_mappings
SET institution_ids = ARRAY[(SELECT id FROM institutions)]::smallint[], updated_at = now()
WHERE institution_ids IS NULL AND (SELECT count(*) FROM institutions) = 1;

-- OIDC logout no longer sends an id_token_hint (it names the client): the ID tokens kept for it
-- by sessions opened before this migration are personal data with no use left.
UPDATE sessions SET sso_logout_data = NULL WHERE sso_logout_data ? 'idTokenHint';
