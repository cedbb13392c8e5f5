-- Repeat parties (重复来访, model.PartyKey): a party without ID number or phone is
-- known by name and address; this index answers that branch of the look for the same
-- person's earlier cases (the other two go by case_parties_id_number and _phone). It
-- holds only such parties, who are few.
CREATE INDEX case_parties_name_address ON case_parties(name, address) WHERE id_number = '' AND phone = '';
