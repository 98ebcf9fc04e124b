; Small fixed blocksworld problem (generated once by a seeded generator).
(define (problem bw-8-3) (:domain blocksworld)
  (:objects b1 b2 b3 b4 b5 b6 b7 b8 - block)
  (:init (ontable b1) (on b8 b1) (clear b8) (ontable b6) (clear b6) (ontable b3) (on b2 b3) (on b7 b2) (on b5 b7) (on b4 b5) (clear b4) (handempty))
  (:goal (and (on b8 b5) (on b4 b8) (on b6 b7))))
