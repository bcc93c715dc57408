// One schema shape for both backends: integer ids, UTC timestamps, JSON kept as text.

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        reconsideration_body_name -> Nullable<Text>,
        court_name -> Nullable<Text>,
        letter_prefix -> Nullable<Text>,
        settings -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        display_name -> Text,
        phone_enc -> Nullable<Text>,
        phone_hash -> Nullable<Text>,
        email -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        notify_email -> Bool,
        notify_sms -> Bool,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        notice -> Text,
        notice_number -> Nullable<Text>,
        data -> Text,
        source -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        agency_id -> BigInt,
        tracking_no -> Text,
        year -> Integer,
        seq -> BigInt,
        channel -> Text,
        status -> Text,
        applicant_user_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        applicant_category -> Text,
        applicant_name -> Text,
        id_number_hash -> Text,
        content -> Text,
        description -> Nullable<Text>,
        purpose -> Nullable<Text>,
        forms -> Text,
        delivery -> Nullable<Text>,
        received_on -> Nullable<Date>,
        due_on -> Nullable<Date>,
        clock_state -> Text,
        correction_deadline -> Nullable<Date>,
        fee_deadline -> Nullable<Date>,
        disposition -> Nullable<Text>,
        concluded_on -> Nullable<Date>,
        query_code_hash -> Text,
        external_id -> Nullable<Text>,
        version -> BigInt,
        event_count -> BigInt,
        last_event_hash -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        assignee_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_applicants (case_id) {
        case_id -> BigInt,
        kind -> Text,
        category -> Text,
        name -> Text,
        id_type -> Text,
        id_number_enc -> Text,
        id_number_hash -> Text,
        phone_enc -> Nullable<Text>,
        phone_hash -> Nullable<Text>,
        email_enc -> Nullable<Text>,
        email_hash -> Nullable<Text>,
        address_enc -> Nullable<Text>,
        address_hash -> Nullable<Text>,
        notify_email -> Bool,
        notify_sms -> Bool,
    }
}

diesel::table! {
    case_drafts (case_id) {
        case_id -> BigInt,
        disposition -> Text,
        data -> Text,
        findings -> Text,
        blocking -> Integer,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        last -> BigInt,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        seq -> BigInt,
        kind -> Text,
        occurred_on -> Date,
        actor_id -> Nullable<BigInt>,
        data -> Text,
        recorded_at -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    letters (id) {
        id -> BigInt,
        case_id -> BigInt,
        agency_id -> BigInt,
        kind -> Text,
        variant -> Nullable<Text>,
        year -> Integer,
        seq -> BigInt,
        number -> Text,
        issued_on -> Date,
        sha256 -> Text,
        verify_code -> Text,
        pdf -> Binary,
        voided_at -> Nullable<Timestamp>,
        void_reason -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        pending -> Nullable<Text>,
        printed -> Nullable<Text>,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        case_id -> BigInt,
        party_kind -> Text,
        party_name -> Text,
        opened_on -> Date,
        reply_by -> Date,
        closed_on -> Nullable<Date>,
        opinion -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    reconsiderations (id) {
        id -> BigInt,
        case_id -> BigInt,
        body_name -> Text,
        filed_on -> Date,
        decision -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        reasons -> Nullable<Text>,
        created_at -> Timestamp,
        defect -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    litigations (id) {
        id -> BigInt,
        case_id -> BigInt,
        court -> Text,
        via_reconsideration -> Bool,
        filed_on -> Date,
        outcome -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        created_at -> Timestamp,
        instance -> Text,
        reasons -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_signatures (case_id) {
        case_id -> BigInt,
        text_key -> BigInt,
        signature -> Binary,
    }
}

diesel::table! {
    case_flags (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        severity -> Text,
        summary -> Text,
        evidence -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> BigInt,
        session_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::table! {
    case_submissions (token) {
        token -> Text,
        case_id -> BigInt,
    }
}

diesel::joinable!(cases -> agencies (agency_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_applicants -> cases (case_id));
diesel::joinable!(case_drafts -> cases (case_id));
diesel::joinable!(consultations -> cases (case_id));
diesel::joinable!(letters -> cases (case_id));
diesel::joinable!(letters -> agencies (agency_id));
diesel::joinable!(reconsiderations -> cases (case_id));
diesel::joinable!(litigations -> cases (case_id));
diesel::joinable!(case_flags -> cases (case_id));
diesel::joinable!(case_signatures -> cases (case_id));
diesel::joinable!(case_submissions -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    refresh_tokens,
    calendar_years,
    cases,
    case_applicants,
    case_drafts,
    counters,
    case_events,
    consultations,
    letters,
    reconsiderations,
    litigations,
    case_flags,
    case_signatures,
    case_submissions,
    web_sessions,
    report_tallies,
    report_tally_deltas,
    documents,
    document_downloads,
    notifications,
    notification_attempts,
    redactions,
    access_events,
);

diesel::joinable!(access_events -> users (user_id));
diesel::joinable!(access_events -> cases (case_id));

diesel::table! {
    index_feed (seq) {
        seq -> BigInt,
        case_id -> BigInt,
        at -> Timestamp,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    report_tallies (agency_id, category, disposition, received_year, concluded_year) {
        agency_id -> BigInt,
        category -> Text,
        disposition -> Text,
        received_year -> Integer,
        concluded_year -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_tally_deltas (id) {
        id -> BigInt,
        agency_id -> BigInt,
        category -> Text,
        disposition -> Text,
        received_year -> Integer,
        concluded_year -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    stats_generation (id) {
        id -> Integer,
        generation -> BigInt,
    }
}

diesel::table! {
    agency_seals (agency_id) {
        agency_id -> BigInt,
        png -> Binary,
        sha256 -> Text,
        diameter_mm -> Integer,
        uploaded_by -> Nullable<BigInt>,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(agency_seals -> agencies (agency_id));

diesel::table! {
    documents (id) {
        id -> BigInt,
        case_id -> BigInt,
        purpose -> Text,
        name -> Text,
        media_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
        sent_to_applicant -> Bool,
        purged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    document_downloads (id) {
        id -> BigInt,
        document_id -> BigInt,
        user_id -> BigInt,
        downloaded_at -> Timestamp,
    }
}

diesel::table! {
    redactions (id) {
        id -> BigInt,
        case_id -> BigInt,
        source_document_id -> BigInt,
        released_document_id -> BigInt,
        box_no -> Integer,
        page -> Integer,
        x_centipoints -> BigInt,
        y_centipoints -> BigInt,
        width_centipoints -> BigInt,
        height_centipoints -> BigInt,
        ground -> Text,
        source_sha256 -> Text,
        released_sha256 -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(documents -> cases (case_id));
diesel::joinable!(document_downloads -> documents (document_id));

diesel::table! {
    notifications (id) {
        id -> BigInt,
        message_id -> Text,
        kind -> Text,
        case_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        channel -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        leased_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        params -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        inquiry_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    notification_attempts (id) {
        id -> BigInt,
        notification_id -> BigInt,
        attempted_at -> Timestamp,
        ok -> Bool,
        detail -> Text,
    }
}

diesel::joinable!(notification_attempts -> notifications (notification_id));

diesel::table! {
    throttles (key) {
        key -> Text,
        count -> BigInt,
        window_start -> Timestamp,
        last_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    account_events (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    access_events (id) {
        id -> BigInt,
        user_id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_runs (id) {
        id -> BigInt,
        finished_at -> Timestamp,
        cases -> BigInt,
        events -> BigInt,
        broken -> Nullable<Text>,
    }
}

diesel::table! {
    inquiries (id) {
        id -> BigInt,
        code -> Text,
        agency_id -> BigInt,
        user_id -> Nullable<BigInt>,
        question -> Text,
        name_enc -> Nullable<Text>,
        phone_enc -> Nullable<Text>,
        email_enc -> Nullable<Text>,
        asked_at -> Timestamp,
        asked_on -> Date,
        due_on -> Date,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
        answered_on -> Nullable<Date>,
    }
}

diesel::table! {
    faq_entries (id) {
        id -> BigInt,
        inquiry_id -> BigInt,
        agency_id -> BigInt,
        question -> Text,
        answer -> Text,
        published_by -> BigInt,
        published_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(inquiries -> agencies (agency_id));
diesel::joinable!(faq_entries -> agencies (agency_id));
diesel::joinable!(faq_entries -> inquiries (inquiry_id));
diesel::allow_tables_to_appear_in_same_query!(inquiries, faq_entries, agencies);

diesel::table! {
    reading_room_entries (id) {
        id -> BigInt,
        case_id -> BigInt,
        agency_id -> BigInt,
        title -> Text,
        description -> Text,
        topic -> Text,
        year -> Integer,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reading_room_documents (entry_id, document_id) {
        entry_id -> BigInt,
        document_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    reading_room_events (id) {
        id -> BigInt,
        entry_id -> BigInt,
        kind -> Text,
        user_id -> BigInt,
        at -> Timestamp,
        detail -> Text,
    }
}

diesel::joinable!(reading_room_entries -> agencies (agency_id));
diesel::joinable!(reading_room_documents -> reading_room_entries (entry_id));
diesel::joinable!(reading_room_documents -> documents (document_id));
diesel::joinable!(reading_room_events -> reading_room_entries (entry_id));
diesel::allow_tables_to_appear_in_same_query!(
    reading_room_entries,
    reading_room_documents,
    reading_room_events,
    agencies,
);
diesel::allow_tables_to_appear_in_same_query!(reading_room_entries, documents);
diesel::allow_tables_to_appear_in_same_query!(reading_room_documents, documents);
diesel::allow_tables_to_appear_in_same_query!(reading_room_events, documents);

diesel::table! {
    filing_suggestions (token_hash) {
        token_hash -> Text,
        agency_id -> Nullable<BigInt>,
        month -> Text,
        shown_at -> Timestamp,
        faq -> Integer,
        reading_room -> Integer,
        filed_at -> Nullable<Timestamp>,
    }
}
