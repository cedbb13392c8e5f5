package store

import "context"

// On PostgreSQL every intake reads its parties' history before its case is written
// (Store.RiskHistory, for the warning), and that read was a large part of intake's
// CPU: `onedoor bench -what intake` at 1M cases, the same build with the read and
// without, compares their rates and PostgreSQL's and the server's CPU a case. Almost
// all of it was the round trip, not the query (pgbench, SELECT 1 against the history's
// query), and most applicants come for the first time. So the
// intakes of one moment first ask together, in one query, which of them have earlier
// cases of the same ID number or phone; those without are done, and only the others
// read their history on their own.

// maxProbeBatch bounds how many callers share one look; probeReaders is how many
// looks run at once.
const (
	maxProbeBatch = 64
	probeReaders  = 2
)

// historyProbe is one caller waiting for the shared look.
type historyProbe struct {
	ctx         context.Context
	ids, phones []any // nonEmpty
	related     bool
	done        chan error
}

// probeParties tells whether any stored case has a party with one of idNumbers or
// phones, looking together with the callers of the same moment.
func (s *Store) probeParties(ctx context.Context, idNumbers, phones []string) (bool, error) {
	p := &historyProbe{ctx: ctx, ids: nonEmpty(idNumbers), phones: nonEmpty(phones), done: make(chan error, 1)}
	if len(p.ids) == 0 && len(p.phones) == 0 {
		return false, nil
	}
	s.probeOnce.Do(func() {
		s.probes = make(chan *historyProbe, maxProbeBatch)
		for range probeReaders {
			go s.probeReader()
		}
	})
	if err := submit(ctx, s.probes, p, p.done); err != nil {
		return false, err
	}
	return p.related, nil
}

func (s *Store) probeReader() {
	for first := range s.probes {
		s.probe(gather(s.probes, first, maxProbeBatch))
	}
}

// probeSQL names each caller i one of whose ID numbers or phones a stored party has:
// an index lookup per key, in two simple joins so that planning stays cheap whatever
// the number of callers.
const probeSQL = `SELECT k.i FROM unnest($1::bigint[], $2::text[]) AS k(i, id_number)
		JOIN case_parties p ON p.id_number = k.id_number
	UNION
	SELECT k.i FROM unnest($3::bigint[], $4::text[]) AS k(i, phone)
		JOIN case_parties p ON p.phone = k.phone`

// probe answers every caller of ps from one query. A caller who has gone gets its
// context's error; if the query fails, every caller is told it may have a history,
// and reads it on its own.
func (s *Store) probe(ps []*historyProbe) {
	var idIdx, phoneIdx []int64
	var ids, phones []string
	for i, p := range ps {
		for _, v := range p.ids {
			idIdx, ids = append(idIdx, int64(i)), append(ids, v.(string))
		}
		for _, v := range p.phones {
			phoneIdx, phones = append(phoneIdx, int64(i)), append(phones, v.(string))
		}
	}
	err := func() error {
		// The callers' deadlines stay theirs: the shared query is bounded like a shared insert.
		ctx, cancel := context.WithTimeout(context.Background(), sharedInsertTimeout)
		defer cancel()
		args := []any{nonNil(idIdx), nonNil(ids), nonNil(phoneIdx), nonNil(phones)}
		rows, err := s.looks.QueryContext(ctx, probeSQL, args...)
		if err != nil && s.retryable(ctx, err) {
			rows, err = s.queryFresh(ctx, s.looks, probeSQL, args)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i int64
			if err := rows.Scan(&i); err != nil {
				return err
			}
			ps[i].related = true
		}
		return rows.Err()
	}()
	for _, p := range ps {
		if err != nil {
			p.related = true
		}
		p.done <- p.ctx.Err()
	}
}
