import type { Generated } from 'kysely';

/**
 * Resume lists (CONTRACT.md §5 `user_person_*`): each row belongs to one user; begin/end are unix ms.
 * Written only by the resume feature (resume.repository.ts, one set of queries for the four).
 */
export interface ResumeProjectsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  type: string;
  link: string;
  key_features: string;
  description: string;
  responsibilities: string;
  created_at: number;
  updated_at: number;
}

export interface ResumeSkillsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  score: number;
  created_at: number;
  updated_at: number;
}

export interface ResumeJobsTable {
  id: Generated<number>;
  user_id: number;
  begin_at: number;
  end_at: number;
  company: string;
  title: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface ResumeEducationTable {
  id: Generated<number>;
  user_id: number;
  begin_at: number;
  end_at: number;
  school: string;
  major: string;
  degree: string;
  description: string;
  created_at: number;
  updated_at: number;
}
