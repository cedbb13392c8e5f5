-- onedoor:compatible-from 0037
-- How long a closed case of each kind is kept (issue 28, `onedoor purge`): years after
-- it was closed (archived, rejected or merged); 0 is 永久, never purged. The admin sets
-- them; the defaults follow the 保管期限 of 国家档案局令第8号《机关文件材料归档范围
-- 和文书档案保管期限规定》(永久, 定期30年, 定期10年), each a county's 档案馆 may
-- lengthen in its own 保管期限表.
CREATE TABLE retention_rules (
    kind       TEXT PRIMARY KEY,
    years      INTEGER NOT NULL CHECK (years >= 0 AND years <= 100),
    basis      TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP
);

INSERT INTO retention_rules (kind, years, basis) VALUES
    ('petition', 30, '信访事项材料定期30年(国家档案局令第8号;重要信访事项的材料应永久保存,设为0)'),
    ('dispute', 10, '矛盾纠纷调解卷宗定期10年(国家档案局令第8号文书档案定期保管期限)'),
    ('hazard', 10, '隐患排查处置材料定期10年(国家档案局令第8号文书档案定期保管期限)'),
    ('service', 10, '咨询服务事项材料定期10年(国家档案局令第8号文书档案定期保管期限)');
