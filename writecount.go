package seminar

// WriteCount returns how many writes (of events and series: creates,
// updates, cancels, deletes, imports, plans) were made through this
// Calendar. Unlike ChangeToken it costs no
// Store read, so a cache that reads ChangeToken only now and then, to learn
// of other processes' writes, can check it on every request and see this
// Calendar's own writes at once.
func (c *Calendar) WriteCount() uint64 { return c.changes.Load() }
