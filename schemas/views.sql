-- Views created in DIR/minutes.duckdb for the questions analysts ask most. They are rebuilt with
-- the tables on every run; `thaiminutes query DIR "SELECT * FROM budgets_by_body_year"`.

-- Each budget with its meeting, its agenda item and the decision on it: the resolution of the
-- item itself, else of the nearest parent item (a budget in 3.3.1 decided under 3.3).
CREATE OR REPLACE VIEW budget_decisions AS
WITH decided AS (
    SELECT b.row_id, r.kind, r.item AS decided_in
    FROM budgets b
    JOIN resolutions r
      ON r.doc_id = b.doc_id AND (r.item = b.item OR starts_with(b.item, r.item || '.'))
    QUALIFY rank() OVER (PARTITION BY b.row_id ORDER BY length(r.item) DESC) = 1
), decisions AS (
    SELECT row_id, string_agg(DISTINCT kind, ',' ORDER BY kind) AS decision, any_value(decided_in) AS decided_in
    FROM decided GROUP BY row_id
)
SELECT b.doc_id, m.organization, m.meeting_no, m.date AS meeting_date, b.item, a.title AS item_title,
       b.amount_thb, b.purpose, b.fiscal_year, d.decision, d.decided_in, b.flags, b.page, b.line,
       b.row_id
FROM budgets b
LEFT JOIN meetings m ON m.doc_id = b.doc_id
LEFT JOIN agenda_items a ON a.doc_id = b.doc_id AND a.item = b.item
LEFT JOIN decisions d ON d.row_id = b.row_id;

-- Money by body and fiscal year (พ.ศ.): all amounts stated, and those whose item was approved.
CREATE OR REPLACE VIEW budgets_by_body_year AS
SELECT organization, fiscal_year,
       count(*) AS budgets,
       sum(amount_thb) AS total_thb,
       count(*) FILTER (WHERE decision LIKE '%approved%') AS approved_budgets,
       coalesce(sum(amount_thb) FILTER (WHERE decision LIKE '%approved%'), 0) AS approved_thb,
       count(*) FILTER (WHERE flags IS NOT NULL) AS flagged
FROM budget_decisions
GROUP BY ALL
ORDER BY organization NULLS LAST, fiscal_year NULLS LAST;

-- Resolutions by body and kind (acknowledged, approved, rejected, assigned, certified, other).
CREATE OR REPLACE VIEW resolutions_by_kind AS
SELECT m.organization, r.kind, count(*) AS resolutions, count(DISTINCT r.doc_id) AS meetings
FROM resolutions r
LEFT JOIN meetings m ON m.doc_id = r.doc_id
GROUP BY ALL
ORDER BY organization NULLS LAST, resolutions DESC, kind;

-- Each assignment with its meeting, date and agenda item.
CREATE OR REPLACE VIEW assignments_overview AS
SELECT m.organization, m.meeting_no, m.date AS meeting_date, s.item, a.title AS item_title,
       s.assignee, s.task, s.due, s.due_date, s.flags, s.doc_id, s.page, s.line, s.row_id
FROM assignments s
LEFT JOIN meetings m ON m.doc_id = s.doc_id
LEFT JOIN agenda_items a ON a.doc_id = s.doc_id AND a.item = s.item
ORDER BY meeting_date NULLS LAST, s.doc_id, s.page, s.line;

-- Every flagged row of the extracted tables: what a reviewer should look at first.
CREATE OR REPLACE VIEW flagged_rows AS
SELECT 'meetings' AS table_name, row_id, doc_id, page, line, flags FROM meetings WHERE flags IS NOT NULL
UNION ALL SELECT 'attendees', row_id, doc_id, page, line, flags FROM attendees WHERE flags IS NOT NULL
UNION ALL SELECT 'agenda_items', row_id, doc_id, page, line, flags FROM agenda_items WHERE flags IS NOT NULL
UNION ALL SELECT 'speeches', row_id, doc_id, page, line, flags FROM speeches WHERE flags IS NOT NULL
UNION ALL SELECT 'resolutions', row_id, doc_id, page, line, flags FROM resolutions WHERE flags IS NOT NULL
UNION ALL SELECT 'budgets', row_id, doc_id, page, line, flags FROM budgets WHERE flags IS NOT NULL
UNION ALL SELECT 'assignments', row_id, doc_id, page, line, flags FROM assignments WHERE flags IS NOT NULL;
