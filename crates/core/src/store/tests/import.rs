//! Importing customers from a file: what each row becomes, that a preview keeps
//! nothing, that sending a part again makes nobody twice, and who may import.

use super::*;
use crate::customer_csv::{
    Column, ImportRows, OnDuplicate, RowResult, SkipReason, guess_columns, read_csv,
};

fn rows_of(text: &str, commit: bool) -> ImportRows {
    let table = read_csv(text).unwrap();
    ImportRows {
        id: "imp-1".into(),
        columns: guess_columns(&table.header),
        rows: table.rows,
        on_duplicate: OnDuplicate::Merge,
        owner_id: None,
        commit,
    }
}

fn results(report: &crate::customer_csv::ImportReport) -> Vec<RowResult> {
    report.rows.iter().map(|r| r.result.clone()).collect()
}

#[test]
fn each_row_is_created_merged_or_skipped_with_its_reason() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let mine = customer_with_phone(&db, "u-wanglei");
    let text = format!(
        "姓名,手机,邮箱,标签,负责人\n\
         周杰,13911112222,zhou@example.com,制造业,\n\
         {name}二号,{phone},,展会,\n\
         周总,,ZHOU@example.com,VIP,\n\
         坏号码,12ab,,,\n\
         少一格,13933334444\n\
         ,,,,\n\
         无主,13955556666,,,不存在的人\n",
        name = mine.name,
        phone = mine.phone,
    );
    let before = db.contacts.len();
    let preview = db
        .import_customers(&rep, &rows_of(&text, false), now())
        .unwrap();
    assert_eq!(db.contacts.len(), before, "a preview keeps nothing");
    assert!(db.take_changes().is_empty());
    let got = results(&preview);
    assert_eq!(
        got[0],
        RowResult::Created {
            id: "imp-1-2".into()
        }
    );
    assert_eq!(
        got[1],
        RowResult::Merged {
            id: mine.id.clone(),
            name: mine.name.clone()
        }
    );
    // The same email as row 2 in other letters: the customer row 2 makes.
    assert_eq!(
        got[2],
        RowResult::Merged {
            id: "imp-1-2".into(),
            name: "周杰".into()
        }
    );
    assert!(
        matches!(&got[3], RowResult::Skipped { reason: SkipReason::Invalid { errors } } if errors.get("phone").is_some())
    );
    assert_eq!(
        got[4],
        RowResult::Skipped {
            reason: SkipReason::Cells {
                found: 2,
                expected: 5
            }
        }
    );
    // The row of empty cells (row 7) is no row at all.
    assert_eq!(preview.rows.len(), 6);
    assert_eq!(preview.rows[5].row, 8);
    assert_eq!(
        got[5],
        RowResult::Skipped {
            reason: SkipReason::Owner {
                given: "不存在的人".into()
            }
        }
    );
    assert_eq!(preview.counts(), (1, 2, 3));

    let committed = db
        .import_customers(&rep, &rows_of(&text, true), now())
        .unwrap();
    assert_eq!(results(&committed), got, "the preview is what happens");
    assert_eq!(db.contacts.len(), before + 1);
    let made = db.contact("imp-1-2").unwrap().clone();
    assert_eq!(made.owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(made.tags, vec!["制造业".to_owned(), "VIP".to_owned()]);
    assert_eq!(made.stage, crate::crm::LEAD);
    let merged = db.contact(&mine.id).unwrap();
    assert!(merged.tags.contains(&"展会".to_owned()));
    assert_eq!(merged.name, mine.name, "a merge never renames");

    // The same part sent again (a retry): nobody twice, nothing changes.
    db.take_changes();
    let again = db
        .import_customers(&rep, &rows_of(&text, true), now())
        .unwrap();
    assert_eq!(db.contacts.len(), before + 1);
    assert_eq!(again.counts().0, 1);
    assert_eq!(db.contact("imp-1-2").unwrap(), &made);
}

#[test]
fn a_file_that_says_skip_leaves_duplicates_alone() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let mut req = rows_of(
        "name,email\n周杰,zhou@example.com\n周总,zhou@example.com\n",
        true,
    );
    req.on_duplicate = OnDuplicate::Skip;
    let report = db.import_customers(&rep, &req, now()).unwrap();
    assert_eq!(
        results(&report)[1],
        RowResult::Skipped {
            reason: SkipReason::Duplicate {
                id: "imp-1-2".into(),
                name: "周杰".into()
            }
        }
    );
    assert_eq!(db.contact("imp-1-2").unwrap().name, "周杰");
}

#[test]
fn a_manager_imports_for_the_team_and_names_owners_but_not_outsiders() {
    let mut db = demo::seed(now());
    let manager = db.caller("u-chengang").unwrap();
    // 李娜 by email (Shanghai is under East China); Emily works in the south.
    let text = "name,owner\n甲,王磊\n乙,LI-NA@lianjie.example\n丙,Emily Chen\n丁,\n";
    let report = db
        .import_customers(&manager, &rows_of(text, true), now())
        .unwrap();
    let owner = |id: &str| db.contact(id).ok().and_then(|c| c.owner_id.clone());
    assert_eq!(owner("imp-1-2").as_deref(), Some("u-wanglei"));
    assert_eq!(owner("imp-1-3").as_deref(), Some("u-lina"));
    assert_eq!(
        results(&report)[2],
        RowResult::Skipped {
            reason: SkipReason::Owner {
                given: "Emily Chen".into()
            }
        }
    );
    assert_eq!(owner("imp-1-5").as_deref(), Some("u-chengang"));
    // A rep cannot give customers to a colleague.
    let rep = db.caller("u-wanglei").unwrap();
    let mut req = rows_of("name\n丁\n", true);
    req.id = "imp-2".into();
    req.owner_id = Some("u-lina".into());
    assert!(matches!(
        db.import_customers(&rep, &req, now()),
        Err(StoreError::Invalid(e)) if e.get("owner_id").is_some()
    ));
}

#[test]
fn an_import_needs_a_name_column_rows_and_a_seller() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let mut req = rows_of("name,phone\n甲,13900000000\n", true);
    req.columns = vec![None, Some(Column::Phone)];
    assert!(matches!(
        db.import_customers(&rep, &req, now()),
        Err(StoreError::Invalid(e)) if e.get("columns").is_some()
    ));
    req.columns = vec![Some(Column::Name), Some(Column::Phone)];
    req.rows.clear();
    assert!(matches!(
        db.import_customers(&rep, &req, now()),
        Err(StoreError::Invalid(e)) if e.get("rows").is_some()
    ));
    let agent = db.caller("u-zhaomin").unwrap();
    assert!(matches!(
        db.import_customers(&agent, &rows_of("name\n甲\n", true), now()),
        Err(StoreError::Forbidden(_))
    ));
}

#[test]
fn a_row_reaching_two_customers_is_left_to_a_person_and_parts_retried_agree() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    // Row 4 reaches row 2's customer by email and row 3's by phone.
    let text = "name,phone,email,tags\n\
                甲,,a@x.example,\n\
                乙,13911110000,,\n\
                丙,13911110000,a@x.example,\n\
                丁,,a@x.example,T\n";
    let whole = db
        .import_customers(&rep, &rows_of(text, false), now())
        .unwrap();
    assert_eq!(
        results(&whole)[2],
        RowResult::Skipped {
            reason: SkipReason::Ambiguous {
                names: vec!["甲".into(), "乙".into()]
            }
        }
    );
    // In two parts, then the second again: the same answers each time.
    let mut first = rows_of(text, true);
    let second_rows = first.rows.split_off(2);
    db.import_customers(&rep, &first, now()).unwrap();
    let second = ImportRows {
        rows: second_rows,
        ..first.clone()
    };
    let once = db.import_customers(&rep, &second, now()).unwrap();
    let twice = db.import_customers(&rep, &second, now()).unwrap();
    assert_eq!(results(&once), results(&whole)[2..]);
    assert_eq!(results(&twice), results(&once));
    assert_eq!(db.contact("imp-1-2").unwrap().tags, ["T"]);
}

#[test]
fn row_numbers_must_rise_and_another_file_under_the_same_id_makes_nobody_silently() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let mut req = rows_of("name\n甲\n乙\n", true);
    req.rows[1].row = req.rows[0].row;
    assert!(matches!(
        db.import_customers(&rep, &req, now()),
        Err(StoreError::Invalid(e)) if e.get("rows").is_some()
    ));
    db.import_customers(&rep, &rows_of("name\n甲\n", true), now())
        .unwrap();
    let other = db
        .import_customers(&rep, &rows_of("name\n丙\n", true), now())
        .unwrap();
    assert!(matches!(
        &results(&other)[0],
        RowResult::Skipped { reason: SkipReason::Invalid { errors } } if errors.get("id").is_some()
    ));
}
