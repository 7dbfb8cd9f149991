-- New versions of the ESC and CROUS consent texts that name every personal data field the
-- connector sends, in the words of the summary the cardholder reads (the labels of
-- consents.fields.* in web/src/i18n/locales): the 2026-01 texts named fewer fields than the ESC
-- sync sends (no card expiry, state, type, issue date or institution code) and than a CROUS
-- exchange carries (no INE, tariff, UAI, chip number or rights end). test/api/consent-texts-fields
-- fails when a current text misses a field its connector declares. Consents already given keep
-- the version they were given under (their proof); new decisions record 2026-12.
INSERT INTO consent_texts (kind, version, locale, title, body) VALUES
 ('esc', '2026-12', 'fr', 'Carte étudiante européenne', 'J’accepte que mon établissement enregistre ma carte auprès du routeur de la Carte étudiante européenne (ESC Router, géré pour la Commission européenne). Les données transmises au routeur sont :
– Vos nom et prénom
– Votre adresse e-mail
– Votre identifiant étudiant européen (ESI)
– Votre niveau d’études (licence, master, doctorat)
– Le code européen de votre établissement (PIC)
– Le numéro européen de votre carte (ESCN)
– Le type de votre carte (physique ou virtuelle)
– L’état de votre carte (active ou suspendue)
– La date d’émission de votre carte
– La date de fin de validité de votre carte
Rien d’autre n’est transmis. Tout établissement ou service en Europe pourra vérifier que ma carte est valide en scannant son QR code. Je peux retirer ce consentement à tout moment : ma carte et mes données seront alors supprimées du routeur.'),
 ('esc', '2026-12', 'en', 'European Student Card', 'I agree that my institution registers my card at the European Student Card Router (run for the European Commission). The data sent to the router is:
– Your first and last name
– Your e-mail address
– Your European Student Identifier (ESI)
– Your level of study (bachelor, master, doctorate)
– Your institution''s European code (PIC)
– Your card''s European number (ESCN)
– Your card''s type (physical or virtual)
– Your card''s state (active or suspended)
– Your card''s issue date
– Your card''s expiry date
Nothing else is sent. Any institution or service in Europe can then check that my card is valid by scanning its QR code. I may withdraw this consent at any time: my card and data are then deleted from the router.'),
 ('crous', '2026-12', 'fr', 'CROUS / Izly', 'J’accepte que mon établissement transmette au CROUS les données nécessaires au paiement avec Izly et à la restauration universitaire. Les données transmises sont :
– Vos nom et prénom
– Votre date de naissance
– Votre adresse e-mail
– Votre INE (identifiant national étudiant)
– Votre identifiant de connexion à l’établissement (eppn), si vous n’avez pas d’INE
– La date de fin de vos droits (inscription ou contrat)
– Votre catégorie de tarif au restaurant universitaire
– Le code de votre établissement (UAI)
– Le numéro CROUS de votre carte
– Le numéro de série de la puce de votre carte
– La date d’émission de votre carte
– L’état de votre carte (active ou suspendue)
– Le motif d’une suspension (perte, vol, panne)
Rien d’autre n’est transmis. Je peux retirer ce consentement à tout moment : ma carte ne permettra plus alors de payer avec Izly.'),
 ('crous', '2026-12', 'en', 'CROUS / Izly', 'I agree that my institution sends the CROUS the data needed for Izly payment and university catering. The data sent is:
– Your first and last name
– Your birth date
– Your e-mail address
– Your INE (French national student identifier)
– Your institution login (eppn), if you have no INE
– The end date of your rights (enrolment or contract)
– Your university restaurant price category
– Your institution''s code (UAI)
– Your card''s CROUS number
– The serial number of your card''s chip
– Your card''s issue date
– Your card''s state (active or suspended)
– Why it was suspended (lost, stolen, out of order)
Nothing else is sent. I may withdraw this consent at any time: my card then no longer pays with Izly.');
